"""Receiving requests (signed in): the short form every member logs a request with, the
page of its reference that follows, and the settings of the school's no-login request page
and its poster. The no-login page itself is public_urls.py."""

from django.urls import URLPattern, path

from schoolkeep.inforequests.intake import views

urlpatterns: list[URLPattern] = [
    path("new/", views.log, name="request-log"),
    path("logged/<uuid:public_id>/", views.logged, name="request-logged"),
    path("page/", views.public_page, name="public-page"),
    path("page/poster.pdf", views.public_page_poster, name="public-page-poster"),
]
