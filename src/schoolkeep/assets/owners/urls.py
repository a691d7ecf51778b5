"""URLs of choosing owners together, composed into assets/urls.py (namespace "assets")."""

from django.urls import path

from schoolkeep.assets.owners import views

urlpatterns = [
    path("owners/choose/", views.choose_owners, name="choose-owners"),
]
