"""TODO(helper): fill in."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
