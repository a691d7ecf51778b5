"""Handling reports: the handlers' list, a report's page and the handling forms."""

from django.urls import URLPattern, path

from schoolkeep.incidents.handling import views

urlpatterns: list[URLPattern] = [
    path("", views.incident_list, name="incident-list"),
    path("<uuid:public_id>/", views.incident_detail, name="incident-detail"),
    path("<uuid:public_id>/triage/", views.incident_triage_view, name="incident-triage"),
    path("<uuid:public_id>/aware/", views.incident_aware_at, name="incident-aware-at"),
    path("<uuid:public_id>/risk/", views.incident_risk, name="incident-risk"),
    path("<uuid:public_id>/risk/override/", views.incident_risk_override,
         name="incident-risk-override"),
    path("<uuid:public_id>/decisions/<str:kind>/", views.decision_edit, name="decision-edit"),
    path("<uuid:public_id>/actions/add/", views.action_add_view, name="action-add"),
    path("actions/<uuid:public_id>/", views.action_edit, name="action-edit"),
    path("actions/<uuid:public_id>/done/", views.action_done, name="action-done"),
    path("actions/<uuid:public_id>/drop/", views.action_drop_view, name="action-drop"),
    path("<uuid:public_id>/lessons/", views.incident_lessons, name="incident-lessons"),
    path("<uuid:public_id>/close/", views.incident_close_view, name="incident-close"),
    path("<uuid:public_id>/reopen/", views.incident_reopen_view, name="incident-reopen"),
]
