"""The public page of a personal signing link (no sign-in): ``/sign/<token>`` and nothing
else. Any longer path under /sign/ is a quiet 404, so that a token never reaches the logs
through Django's "Not Found" warning."""

from django.urls import URLPattern, path

from schoolkeep.agreements.signing.page import views

app_name = "signing"

urlpatterns: list[URLPattern] = [
    path("<str:token>", views.sign, name="sign"),
    path("<path:rest>", views.not_found, name="not-found"),
]
