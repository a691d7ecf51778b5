"""URLs of backup checks, restore tests, Schoolkeep's own sets and the log (in the continuity namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
