"""URLs of the transfer rules, composed into transfers/urls.py under "rules/" (namespace
"transfers")."""

from django.urls import path

from schoolkeep.transfers.rules import views

urlpatterns = [
    path("", views.rules, name="rules"),
    path("trust/", views.trust_rules, name="trust-rules"),
    path("trust/<str:data_kind>/<str:recipient>/", views.trust_rule_edit,
         name="trust-rule-edit"),
    path("trust/<str:data_kind>/<str:recipient>/reset/", views.trust_rule_reset,
         name="trust-rule-reset"),
    path("<str:data_kind>/<str:recipient>/", views.rule_edit, name="rule-edit"),
    path("<str:data_kind>/<str:recipient>/reset/", views.rule_reset, name="rule-reset"),
]
