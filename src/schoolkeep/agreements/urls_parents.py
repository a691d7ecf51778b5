"""URLs of the parents and their import, composed into agreements/urls.py (namespace
"agreements")."""

from django.urls import path

from schoolkeep.agreements import views_parents, views_parents_import

urlpatterns = [
    path("parents/", views_parents.parent_list, name="parent-list"),
    path("parents/add/", views_parents.parent_create, name="parent-create"),
    path("parents/<uuid:public_id>/edit/", views_parents.parent_edit, name="parent-edit"),
    path("parents/<uuid:public_id>/archive/", views_parents.parent_archive,
         name="parent-archive"),
    path("parents/import/", views_parents_import.parent_import_upload,
         name="parent-import-upload"),
    path("parents/import/template.<str:file_format>",
         views_parents_import.parent_import_template, name="parent-import-template"),
    path("parents/import/<uuid:public_id>/", views_parents_import.parent_import_preview,
         name="parent-import-preview"),
    path("parents/import/<uuid:public_id>/confirm/", views_parents_import.parent_import_confirm,
         name="parent-import-confirm"),
]
