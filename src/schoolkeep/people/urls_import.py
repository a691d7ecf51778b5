"""URLs of the import of people, composed into people/urls.py (namespace "people")."""

from django.urls import path

from schoolkeep.people import views_import

urlpatterns = [
    path("import/", views_import.import_upload, name="import-upload"),
    path("import/template.<str:file_format>", views_import.import_template,
         name="import-template"),
    path("import/<uuid:public_id>/", views_import.import_preview, name="import-preview"),
    path("import/<uuid:public_id>/confirm/", views_import.import_confirm,
         name="import-confirm"),
]
