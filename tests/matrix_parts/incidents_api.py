# ruff: noqa: E501  (one row per line keeps the table readable)
"""Incident reports in the API (/api/v1/incidents).

Every school member reports (201); the trust administrator may not (403). The list is for
who holds incidents.view (SIRO, DPO, auditor). The target report was made by the staff
persona: its reporter reads its reference and status (200); the handlers and the auditor
read it in full; every other member gets 404, as for a report that does not exist.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.incidents.models import Channel
from schoolkeep.incidents.report.services import incident_report
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    incident, _ = incident_report(school=personas.school, actor=personas.staff,
                                  channel=Channel.APP, title="Matrix incident",
                                  description="A matrix report.", personal_data=True)
    return {"incidents_api_incident_id": str(incident.public_id)}


URL_ARGUMENTS = {
    "api:incident-detail": lambda t: {"incident_id": t.extra["incidents_api_incident_id"]},
}

SCHOOL_QUERY = {"api:incident-list", "api:incident-create", "api:incident-detail"}

_REPORT = {"school": "oakfield", "title": "Matrix API report", "description": "Reported.",
           "personal_data": True}
API_BODIES = {
    ("api:incident-create", "POST"): _REPORT,
    ("api:incident-list", "POST"): _REPORT,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("api:incident-list", "GET"): "401 200 200 403 403 403 403 403 403 403 403 200 403 404",
    ("api:incident-list", "POST"): "401 201 201 201 201 201 201 201 201 201 201 201 403 404",
    ("api:incident-create", "GET"): "401 200 200 403 403 403 403 403 403 403 403 200 403 404",
    ("api:incident-create", "POST"): "401 201 201 201 201 201 201 201 201 201 201 201 403 404",
    ("api:incident-detail", "GET"): "401 200 200 404 404 404 404 404 404 200 404 200 404 404",
    ("api:incident-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
