"""URLs of the parents and their import, composed into agreements/urls.py (namespace
"agreements")."""

from django.urls import path

from schoolkeep.agreements.parents import import_views, views

urlpatterns = [
    path("parents/", views.parent_list, name="parent-list"),
    path("parents/add/", views.parent_create, name="parent-create"),
    path("parents/<uuid:public_id>/edit/", views.parent_edit, name="parent-edit"),
    path("parents/<uuid:public_id>/archive/", views.parent_archive,
         name="parent-archive"),
    path("parents/import/", import_views.parent_import_upload,
         name="parent-import-upload"),
    path("parents/import/template.<str:file_format>",
         import_views.parent_import_template, name="parent-import-template"),
    path("parents/import/<uuid:public_id>/", import_views.parent_import_preview,
         name="parent-import-preview"),
    path("parents/import/<uuid:public_id>/confirm/", import_views.parent_import_confirm,
         name="parent-import-confirm"),
]
