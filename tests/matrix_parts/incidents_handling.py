# ruff: noqa: E501  (one row per line keeps the table readable)
"""The rows of handling incident reports in the permission matrix.

The SIRO and DPO handle reports (the DPO alone overrides a risk result); the auditor reads
the list and every report and gets 403 on every form; the staff persona reported the matrix
breach, so sees its reduced page; every other member, the trust administrator and the
outsider get 404 for the report (the outsider's own school's list is empty, not forbidden).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from schoolkeep.incidents.handling.actions import action_add
from schoolkeep.incidents.handling.services import incident_close
from schoolkeep.incidents.handling.triage import incident_triage
from schoolkeep.incidents.models import Action, Channel, Kind
from schoolkeep.incidents.report.services import incident_report
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    school, siro = personas.school, personas.siro
    breach, _ = incident_report(school=school, actor=personas.staff, channel=Channel.APP,
                                title="Matrix breach", description="A list was lost.",
                                personal_data=True)
    breach = incident_triage(incident=breach, actor=siro, version=breach.version,
                             kind=Kind.BREACH, breach_confidentiality=True)
    action = action_add(incident=breach, actor=siro, kind=Action.Kind.CONTAINMENT,
                        description="Ask for it back", owner=personas.dpo,
                        due_on=date(2026, 6, 1))
    near, _ = incident_report(school=school, actor=siro, channel=Channel.APP,
                              title="Matrix near miss", description="Nearly sent.")
    near = incident_triage(incident=near, actor=siro, version=near.version,
                           kind=Kind.NEAR_MISS)
    closed = incident_close(incident=near, actor=siro, version=near.version)
    return {"handling_incident": str(breach.public_id), "handling_action": str(action.public_id),
            "handling_closed": str(closed.public_id)}


def _incident(t: Any) -> dict[str, Any]:
    return {"public_id": t.extra["handling_incident"]}


def _action(t: Any) -> dict[str, Any]:
    return {"public_id": t.extra["handling_action"]}


URL_ARGUMENTS = {
    "incidents:incident-detail": _incident,
    "incidents:incident-triage": _incident,
    "incidents:incident-aware-at": _incident,
    "incidents:incident-risk": _incident,
    "incidents:incident-risk-override": _incident,
    "incidents:decision-edit": lambda t: {**_incident(t), "kind": "ico"},
    "incidents:action-add": _incident,
    "incidents:action-edit": _action,
    "incidents:action-done": _action,
    "incidents:action-drop": _action,
    "incidents:incident-lessons": _incident,
    "incidents:incident-close": _incident,
    "incidents:incident-reopen": lambda t: {"public_id": t.extra["handling_closed"]},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("incidents:incident-list", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("incidents:incident-list", "POST"): "302 405 405 403 403 403 403 403 403 403 403 405 403 405",
    ("incidents:incident-detail", "GET"): "302 200 200 404 404 404 404 404 404 200 404 200 404 404",
    ("incidents:incident-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("incidents:incident-triage", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-triage", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-aware-at", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-aware-at", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-risk", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-risk", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-risk-override", "GET"): "302 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ("incidents:incident-risk-override", "POST"): "302 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ("incidents:decision-edit", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:decision-edit", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-add", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-add", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-edit", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-edit", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-done", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-done", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-drop", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:action-drop", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-lessons", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-lessons", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-close", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-close", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-reopen", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("incidents:incident-reopen", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
}
