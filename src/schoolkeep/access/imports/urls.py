"""URLs of access/imports (included by the app's urls.py, in its namespace)."""

from django.urls import path

from schoolkeep.access.imports import views

urlpatterns = [
    path("import/", views.import_upload, name="import-upload"),
    path("import/template.<str:file_format>", views.import_template, name="import-template"),
    path("import/<uuid:public_id>/", views.import_preview, name="import-preview"),
    path("import/<uuid:public_id>/confirm/", views.import_confirm, name="import-confirm"),
]
