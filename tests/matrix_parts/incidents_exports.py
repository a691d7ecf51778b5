# ruff: noqa: E501  (one row per line keeps the table readable)
"""The incident exports' rows of the permission matrix.

The exports page (the breach log, started as a background job, and the list of breaches with
their draft ICO reports) is for those who read every report: the SIRO, the DPO and the
auditor (the outsider opens their own school's page). The draft ICO report of one breach: the
same three; to every other member of the school the report does not exist (404), the trust
administrator sees nothing of incidents (403), and the outsider gets 404 for this school's
breach.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schoolkeep.incidents.models import Channel, Incident, Kind
from schoolkeep.incidents.report.services import incident_report
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    incident, _ = incident_report(
        school=personas.school, actor=personas.staff, channel=Channel.APP,
        title="Matrix breach", description="A class list was sent to the wrong parent.",
        personal_data=True)
    Incident.objects.filter(pk=incident.pk).update(
        kind=Kind.BREACH, aware_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    return {"incidents_exports_breach": str(incident.public_id)}


URL_ARGUMENTS = {
    "incidents:ico-report": lambda t: {"public_id": t.extra["incidents_exports_breach"],
                                       "file_format": "docx"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("incidents:exports", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("incidents:exports", "POST"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("incidents:ico-report", "GET"): "302 200 200 404 404 404 404 404 404 404 404 200 403 404",
    ("incidents:ico-report", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 403 405",
}
