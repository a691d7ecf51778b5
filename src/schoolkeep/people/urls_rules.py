"""URLs of the record's rules and settings, composed into people/urls.py (namespace
"people")."""

from django.urls import path

from schoolkeep.people import views_rules

urlpatterns = [
    path("rules/", views_rules.rules, name="rules"),
    path("rules/edit/", views_rules.rules_edit, name="rules-edit"),
    path("rules/reset/", views_rules.rules_reset, name="rules-reset"),
    path("trust-rules/", views_rules.trust_rules, name="trust-rules"),
    path("trust-rules/edit/", views_rules.trust_rules_edit, name="trust-rules-edit"),
    path("trust-rules/reset/", views_rules.trust_rules_reset, name="trust-rules-reset"),
    path("settings/", views_rules.people_settings, name="people-settings"),
]
