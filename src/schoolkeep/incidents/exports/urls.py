"""Exports: the breach log (a background job) and the draft ICO report of a breach."""

from django.urls import URLPattern, path

from schoolkeep.incidents.exports import views

urlpatterns: list[URLPattern] = [
    path("exports/", views.exports, name="exports"),
    path("<uuid:public_id>/ico-report/<str:file_format>/", views.ico_report,
         name="ico-report"),
]
