"""URLs of access/coverage (included by the app's urls.py, in its namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
