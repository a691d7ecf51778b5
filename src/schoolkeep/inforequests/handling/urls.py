"""Handling requests: the list, a request's page, and the forms of its record."""

from django.urls import URLPattern, path

from schoolkeep.inforequests.handling import views

urlpatterns: list[URLPattern] = [
    path("", views.request_list, name="request-list"),
    path("<uuid:public_id>/", views.request_detail, name="request-detail"),
    path("<uuid:public_id>/edit/", views.request_edit, name="request-edit"),
    path("<uuid:public_id>/identity/", views.request_identity, name="request-identity"),
    path("<uuid:public_id>/hide/", views.request_hide_view, name="request-hide"),
]
