"""Schoolkeep's own erasure: the page of what is due and waits, and the DPO's holds."""

from django.urls import URLPattern, path

from schoolkeep.privacy.erasure import views

app_name = "erasure"

urlpatterns: list[URLPattern] = [
    path("", views.erasure_list, name="erasure-list"),
    path("holds/new/", views.hold_add_view, name="hold-add"),
    path("holds/record/", views.hold_record_view, name="hold-record"),
    path("holds/<uuid:public_id>/release/", views.hold_release_view, name="hold-release"),
]
