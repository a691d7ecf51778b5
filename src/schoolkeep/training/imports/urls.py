"""URLs of the training import (in the training namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
