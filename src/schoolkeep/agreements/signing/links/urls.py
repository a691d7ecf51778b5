"""Pages of personal signing links: reminders in bulk, printed letters, and one link for one
signer. Each takes the acceptable use policy's public id."""

from django.urls import URLPattern, path

from schoolkeep.agreements.signing.links import views

urlpatterns: list[URLPattern] = [
    path("<uuid:public_id>/reminders/", views.reminders, name="reminders"),
    path("<uuid:public_id>/letters/", views.letters, name="letters"),
    path("<uuid:public_id>/links/<uuid:signer_id>/", views.link_create, name="link-create"),
]
