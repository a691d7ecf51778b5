"""URLs of the record's rules and settings, composed into people/urls.py (namespace
"people")."""

from django.urls import path

from schoolkeep.people.rules import views

urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("rules/edit/", views.rules_edit, name="rules-edit"),
    path("rules/reset/", views.rules_reset, name="rules-reset"),
    path("trust-rules/", views.trust_rules, name="trust-rules"),
    path("trust-rules/edit/", views.trust_rules_edit, name="trust-rules-edit"),
    path("trust-rules/reset/", views.trust_rules_reset, name="trust-rules-reset"),
    path("settings/", views.people_settings, name="people-settings"),
]
