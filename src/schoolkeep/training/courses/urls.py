"""URLs of courses (in the training namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
