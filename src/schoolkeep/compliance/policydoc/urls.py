"""URLs of the policydoc part (under "policy-document/", in the compliance namespace)."""

from django.urls import URLPattern, path

from schoolkeep.compliance.policydoc import views

urlpatterns: list[URLPattern] = [
    path("", views.policydoc, name="policydoc"),
    path("make/", views.policydoc_make, name="policydoc-make"),
    path("send/", views.policydoc_send, name="policydoc-send"),
]
