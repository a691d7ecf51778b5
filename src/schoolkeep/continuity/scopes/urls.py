"""URLs of what needs protecting, the backup sets and the 3-2-1 rule (in the continuity namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
