"""The school's no-login "report a concern" page: ``/report/<token>/`` and nothing else.
Any other path under /report/ is a quiet 404, so that a token never reaches the logs through
Django's "Not Found" warning."""

from django.urls import URLPattern, path

from schoolkeep.incidents.report import public_views as views

app_name = "concern"

urlpatterns: list[URLPattern] = [
    path("<str:token>/", views.report, name="report"),
    path("<path:rest>", views.not_found, name="not-found"),
]
