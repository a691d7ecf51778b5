"""URLs of the transfer log (under "log/" in the transfers namespace)."""

from django.urls import URLPattern, path

from schoolkeep.transfers.log import views

urlpatterns: list[URLPattern] = [
    path("", views.transfer_list, name="transfer-list"),
    path("new/", views.transfer_create, name="transfer-create"),
    path("export/", views.transfer_export, name="transfer-export"),
    path("<uuid:public_id>/", views.transfer_detail, name="transfer-detail"),
    path("<uuid:public_id>/review/", views.transfer_review, name="transfer-review"),
    path("<uuid:public_id>/incident/", views.transfer_incident, name="transfer-incident"),
]
