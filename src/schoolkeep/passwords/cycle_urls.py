"""URLs of the cycles and attestations (included by passwords/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
