"""URLs of the training import, composed into training/urls.py under "import/" (namespace
"training")."""

from django.urls import path

from schoolkeep.training.imports import views

urlpatterns = [
    path("", views.import_upload, name="import-upload"),
    path("template.<str:file_format>", views.import_template, name="import-template"),
    path("<uuid:public_id>/", views.import_preview, name="import-preview"),
    path("<uuid:public_id>/confirm/", views.import_confirm, name="import-confirm"),
]
