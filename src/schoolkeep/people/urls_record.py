"""URLs of the Single Central Record, composed into people/urls.py (namespace "people")."""

from django.urls import path

from schoolkeep.people import views_record

urlpatterns = [
    path("record/", views_record.record, name="record"),
    path("record/leavers/", views_record.record_archive, name="record-archive"),
    path("record/export/", views_record.record_export, name="record-export"),
]
