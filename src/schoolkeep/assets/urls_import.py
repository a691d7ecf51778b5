"""URLs of the register's import, composed into assets/urls.py (namespace "assets")."""

from django.urls import path

from schoolkeep.assets import views_import

urlpatterns = [
    path("import/", views_import.import_upload, name="import-upload"),
    path("import/<uuid:public_id>/", views_import.import_preview, name="import-preview"),
    path("import/<uuid:public_id>/confirm/", views_import.import_confirm,
         name="import-confirm"),
    path("import/<uuid:public_id>/result/", views_import.import_result, name="import-result"),
]
