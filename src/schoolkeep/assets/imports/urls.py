"""URLs of the register's import, composed into assets/urls.py (namespace "assets")."""

from django.urls import path

from schoolkeep.assets.imports import views

urlpatterns = [
    path("import/", views.import_upload, name="import-upload"),
    path("import/<uuid:public_id>/", views.import_preview, name="import-preview"),
    path("import/<uuid:public_id>/confirm/", views.import_confirm,
         name="import-confirm"),
    path("import/<uuid:public_id>/result/", views.import_result, name="import-result"),
]
