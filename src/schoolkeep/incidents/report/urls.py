"""Reporting: the short form every member uses, their own reports, and the settings of the
school's no-login "report a concern" page."""

from django.urls import URLPattern, path

from schoolkeep.incidents.report import views

urlpatterns: list[URLPattern] = [
    path("report/", views.report, name="report"),
    path("report/<uuid:public_id>/received/", views.report_received, name="report-received"),
    path("mine/", views.my_reports, name="my-reports"),
    path("concern-page/", views.concern_settings, name="concern-settings"),
    path("concern-page/poster.pdf", views.concern_poster, name="concern-poster"),
]
