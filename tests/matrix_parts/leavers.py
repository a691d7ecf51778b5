# ruff: noqa: E501  (one row per line keeps the table readable)
"""Leavers', starters' and movers' checklists (/leavers/, /api/v1/leavers) in the permission
matrix.

Read with leavers.view (SIRO, business manager, HR administrator, IT lead, auditor, trust
administrator); steps recorded and checklists closed with leavers.manage (the same less the
two read-only roles). The target is a leaver's checklist of the home school: the outsider
(SIRO of another school) gets 404 on it. An empty POST is refused by the form and comes back
to the checklist (302); closing a checklist with steps left comes back with the reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.leavers.models import Checklist
from schoolkeep.people.services import person_create
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    today = timezone.localdate()
    person = person_create(school=personas.school, actor=None, full_name="Lee Leaver",
                           kind="support", start_date=today - timedelta(days=400),
                           leaving_date=today + timedelta(days=7))
    checklist = Checklist.objects.filter(person=person, kind=Checklist.Kind.LEAVER).first()
    if checklist is None:  # made directly when the people hook is not registered
        checklist = Checklist.objects.create(school=personas.school, person=person,
                                             kind=Checklist.Kind.LEAVER,
                                             effective_on=person.leaving_date,
                                             created_by_label="test")
    return {"leavers_checklist_id": str(checklist.public_id)}


URL_ARGUMENTS = {
    "leavers:checklist-detail": lambda t: {"public_id": t.extra["leavers_checklist_id"]},
    "leavers:step-record": lambda t: {"public_id": t.extra["leavers_checklist_id"]},
    "leavers:checklist-close": lambda t: {"public_id": t.extra["leavers_checklist_id"]},
}

SCHOOL_QUERY = {"api:leaver-list"}

#                                                 anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("leavers:checklist-list", "GET"): "302 200 403 403 200 200 403 200 403 403 403 200 200 200",
    ("leavers:checklist-list", "POST"): "302 405 403 403 405 405 403 405 403 403 403 405 405 405",
    ("leavers:checklist-detail", "GET"): "302 200 403 403 200 200 403 200 403 403 403 200 200 404",
    ("leavers:checklist-detail", "POST"): "302 405 403 403 405 405 403 405 403 403 403 405 405 405",
    ("leavers:step-record", "GET"): "302 405 403 403 405 405 403 405 403 403 403 403 403 405",
    ("leavers:step-record", "POST"): "302 302 403 403 302 302 403 302 403 403 403 403 403 404",
    ("leavers:checklist-close", "GET"): "302 405 403 403 405 405 403 405 403 403 403 403 403 405",
    ("leavers:checklist-close", "POST"): "302 302 403 403 302 302 403 302 403 403 403 403 403 404",
    ("api:leaver-list", "GET"): "401 200 403 403 200 200 403 200 403 403 403 200 200 404",
    ("api:leaver-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
