"""Exports of requests: the request log (XLSX or CSV) and a request's response letter."""

from django.urls import URLPattern, path

from schoolkeep.inforequests.exports import views

urlpatterns: list[URLPattern] = [
    path("exports/", views.export_list, name="export-list"),
    path("exports/request-log/", views.export_log, name="export-log"),
    path("<uuid:public_id>/letter/", views.request_letter, name="request-letter"),
]
