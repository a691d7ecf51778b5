"""URLs of what needs protecting, the backup sets and the 3-2-1 rule (in the continuity
namespace, at its root: the scopes are the landing page of "Backups and recovery")."""

from django.urls import path

from schoolkeep.continuity.scopes import views

urlpatterns = [
    path("", views.scope_list, name="scope-list"),
    path("scopes/new/", views.scope_create, name="scope-create"),
    path("scopes/start/", views.scopes_start, name="scopes-start"),
    path("scopes/<uuid:public_id>/", views.scope_detail, name="scope-detail"),
    path("scopes/<uuid:public_id>/change/", views.scope_edit, name="scope-edit"),
    path("scopes/<uuid:public_id>/archive/", views.scope_archive, name="scope-archive"),
    path("sets/", views.set_list, name="set-list"),
    path("sets/new/", views.set_create, name="set-create"),
    path("sets/<uuid:public_id>/", views.set_detail, name="set-detail"),
    path("sets/<uuid:public_id>/change/", views.set_edit, name="set-edit"),
    path("sets/<uuid:public_id>/retire/", views.set_retire, name="set-retire"),
    path("settings/", views.settings_edit, name="settings"),
]
