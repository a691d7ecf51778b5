"""TODO(helper): fill in."""

from django.urls import URLPattern

app_name = "kiosk"

urlpatterns: list[URLPattern] = []
