from django.urls import path

from schoolkeep.systems import views

app_name = "systems"

urlpatterns = [
    path("", views.system_list, name="system-list"),
    path("new/", views.system_create, name="system-create"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.catalogue_add, name="catalogue-add"),
    path("<uuid:public_id>/", views.system_detail, name="system-detail"),
    path("<uuid:public_id>/edit/", views.system_edit, name="system-edit"),
    path("<uuid:public_id>/archive/", views.system_archive, name="system-archive"),
]
