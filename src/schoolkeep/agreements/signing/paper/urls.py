"""URLs of paper signatures, composed into agreements/urls.py (namespace "agreements")."""

from django.urls import path

from schoolkeep.agreements.signing.paper import views

urlpatterns = [
    path("<uuid:public_id>/paper/", views.paper_create, name="paper-create"),
    path("signatures/<uuid:public_id>/scan/", views.scan_download, name="scan-download"),
]
