"""URLs of the Single Central Record, composed into people/urls.py (namespace "people")."""

from django.urls import path

from schoolkeep.people.record import views

urlpatterns = [
    path("record/", views.record, name="record"),
    path("record/leavers/", views.record_archive, name="record-archive"),
    path("record/export/", views.record_export, name="record-export"),
]
