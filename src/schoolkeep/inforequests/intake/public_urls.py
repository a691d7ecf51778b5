"""The school's no-login request page: ``/ask/<token>/`` and nothing else."""

from django.urls import URLPattern

app_name = "ask"

urlpatterns: list[URLPattern] = []
