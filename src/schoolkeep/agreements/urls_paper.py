"""URLs of paper signatures, composed into agreements/urls.py (namespace "agreements")."""

from django.urls import path

from schoolkeep.agreements import views_paper

urlpatterns = [
    path("<uuid:public_id>/paper/", views_paper.paper_create, name="paper-create"),
    path("signatures/<uuid:public_id>/scan/", views_paper.scan_download, name="scan-download"),
]
