"""TODO(helper): fill in."""

from django.urls import URLPattern

app_name = "concern"

urlpatterns: list[URLPattern] = []
