"""URLs of the inventory (included by the equipment app's urls.py, in its namespace)."""

from django.urls import path

from schoolkeep.equipment.inventory import views

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("add/", views.item_create, name="item-create"),
    path("export/", views.item_export, name="item-export"),
    path("<uuid:public_id>/", views.item_detail, name="item-detail"),
    path("<uuid:public_id>/edit/", views.item_edit, name="item-edit"),
    path("<uuid:public_id>/lost/", views.item_incident, name="item-incident"),
]
