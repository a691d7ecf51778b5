"""URLs of this part, composed into its app's urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
