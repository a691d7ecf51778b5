"""URLs of the governor pack (under "governor-pack/", in the compliance namespace)."""

from django.urls import path

from schoolkeep.compliance.pack import views

urlpatterns = [
    path("", views.pack_list, name="pack-list"),
    path("build/", views.pack_build, name="pack-build"),
    path("<uuid:public_id>/", views.pack_detail, name="pack-detail"),
    path("<uuid:public_id>/pdf/", views.pack_pdf, name="pack-pdf"),
    path("<uuid:public_id>/docx/", views.pack_docx, name="pack-docx"),
    path("<uuid:public_id>/received/", views.pack_received, name="pack-received"),
]
