# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of reporting (incidents/report/urls.py and the public page of
incidents/report/public_urls.py), and the helpers the reporting tests share.

Every school role reports (auditors and governors included); the trust administrator sees
nothing of incidents (403). The confirmation of a report is its reporter's only (the staff
persona's here): any other member gets 404. The outsider, SIRO of another school, reports
to and sees their own school's pages, and gets 404 for this school's report. The settings
of the report-a-concern page and its poster need incidents.handle (SIRO, DPO). The public
page ``concern:report`` needs no sign-in: everyone gets the same 200 (a POST without data
shows the form's errors); anything longer under /report/ is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from schoolkeep.incidents.models import Channel, Incident
from schoolkeep.incidents.report.concern import concern_page_for
from schoolkeep.incidents.report.services import incident_report
from tests.personas import Personas


def make_report(personas: Personas, user: AbstractBaseUser | None = None, *,
                title: str = "Laptop left on a train", **fields: Any) -> Incident:
    incident, _ = incident_report(
        school=personas.school, actor=user or personas.staff, channel=Channel.APP,
        title=title, description="A staff laptop was left on the 8:12 to Leeds.",
        personal_data=True, **fields)
    return incident


def build(personas: Personas) -> dict[str, Any]:
    return {"report_incident_id": str(make_report(personas).public_id),
            "report_concern_token": concern_page_for(personas.school).token}


URL_ARGUMENTS = {
    "incidents:report-received": lambda t: {"public_id": t.extra["report_incident_id"]},
    "concern:report": lambda t: {"token": t.extra["report_concern_token"]},
    "concern:not-found": lambda t: {"rest": f"{t.extra['report_concern_token']}/anything"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("incidents:report", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 403 200",
    ("incidents:report", "POST"): "302 200 200 200 200 200 200 200 200 200 200 200 403 200",
    ("incidents:report-received", "GET"): "302 404 404 404 404 404 404 404 404 200 404 404 403 404",
    ("incidents:report-received", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 403 405",
    ("incidents:my-reports", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 403 200",
    ("incidents:my-reports", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 403 405",
    ("incidents:concern-settings", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("incidents:concern-settings", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("incidents:concern-poster", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("incidents:concern-poster", "POST"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
    ("concern:report", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("concern:report", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("concern:not-found", "GET"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("concern:not-found", "POST"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
}
