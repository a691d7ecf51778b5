"""The school's no-login request page: ``/ask/<token>/`` and nothing else. Any other path
under /ask/ is a quiet 404, so that a token never reaches the logs through Django's
"Not Found" warning."""

from django.urls import URLPattern, path

from schoolkeep.inforequests.intake import public_views as views

app_name = "ask"

urlpatterns: list[URLPattern] = [
    path("<str:token>/", views.ask, name="request"),
    path("<path:rest>", views.not_found, name="not-found"),
]
