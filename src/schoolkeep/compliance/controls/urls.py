"""URLs of the controls part (under "controls/", in the compliance namespace)."""

from django.urls import path

from schoolkeep.compliance.controls import views

urlpatterns = [
    path("", views.control_list, name="control-list"),
    path("add/", views.control_add, name="control-add"),
    path("evidence/<uuid:public_id>/", views.attestation_evidence,
         name="attestation-evidence"),
    path("<uuid:public_id>/", views.control_detail, name="control-detail"),
    path("<uuid:public_id>/change/", views.control_edit, name="control-edit"),
    path("<uuid:public_id>/confirm/", views.control_attest, name="control-attest"),
    path("<uuid:public_id>/archive/", views.control_archive, name="control-archive"),
]
