"""URLs of campaigns: launch, confirm, remind, close (in the housekeeping namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
