"""URLs of training records: one by one, a session, the member's own (in the training namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
