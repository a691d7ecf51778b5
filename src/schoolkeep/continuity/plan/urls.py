"""URLs of the recovery plan, its contacts, its tests and the card (in the continuity namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
