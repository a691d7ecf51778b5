"""Pages of the acceptable use policies themselves: the overview, each audience's page,
drafting and publishing versions, signing in the application, and signatures."""

from django.urls import path

from schoolkeep.agreements.aups import views

urlpatterns = [
    path("", views.aup_list, name="aup-list"),
    path("set-up/", views.aups_set_up, name="aups-set-up"),
    path("new/", views.aup_create, name="aup-create"),
    path("<uuid:public_id>/", views.aup_detail, name="aup-detail"),
    path("<uuid:public_id>/settings/", views.aup_settings, name="aup-settings"),
    path("<uuid:public_id>/draft/", views.draft_edit, name="draft-edit"),
    path("<uuid:public_id>/sign/", views.aup_sign, name="aup-sign"),
    path("versions/<uuid:public_id>/", views.version_detail, name="version-detail"),
    path("versions/<uuid:public_id>/publish/", views.version_publish, name="version-publish"),
    path("signatures/<uuid:public_id>/", views.signature_detail, name="signature-detail"),
    path("signatures/<uuid:public_id>/pdf/", views.signature_pdf, name="signature-pdf"),
]
