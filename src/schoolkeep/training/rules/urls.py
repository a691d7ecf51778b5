"""URLs of the DfE's and the RPA's training rules, the matrix and the settings (in the training namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
