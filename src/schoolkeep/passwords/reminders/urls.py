"""URLs of passwords/reminders (included by the app's urls.py, in its namespace): the public
page of a personal link, and a quiet 404 for anything else under /passwords/link/, so that a
token never reaches the logs through Django's "Not Found" warning."""

from django.urls import URLPattern, path

from schoolkeep.passwords.reminders import views

urlpatterns: list[URLPattern] = [
    path("link/<str:token>/", views.change_link, name="link"),
    path("link/<path:rest>", views.not_found, name="link-not-found"),
]
