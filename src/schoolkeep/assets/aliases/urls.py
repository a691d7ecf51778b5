"""URLs of the names matched on import, composed into assets/urls.py (namespace "assets")."""

from django.urls import path

from schoolkeep.assets.aliases import views

urlpatterns = [
    path("aliases/", views.alias_list, name="alias-list"),
    path("aliases/<uuid:public_id>/remove/", views.alias_remove, name="alias-remove"),
]
