# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of Schoolkeep's own erasure (privacy/erasure/urls.py).

The page (``retention.view``) opens for the SIRO, DPO, IAO, business manager, IT lead, HR
and data administrators and the auditor (the outsider sees their own school's); the DSL,
staff, governor and trust administrator get 403. Holds (``erasure.hold``) are the DPO's
alone: everyone else gets 403 (the outsider too: a SIRO holds no such permission). A hold
is released by POST only.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_create
from schoolkeep.privacy.erasure.models import ErasureHold, HoldReason
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """A leaver of the home school and a hold on their erasure."""
    person = person_create(school=personas.school, actor=None, full_name="Matrix Leaver",
                           kind=PersonKind.SUPPORT)
    hold = ErasureHold.objects.create(school=personas.school, person=person,
                                      reason=HoldReason.LITIGATION)
    return {"erasure_person_id": str(person.public_id), "erasure_person_pk": str(person.pk),
            "erasure_hold_id": str(hold.public_id)}


URL_ARGUMENTS = {
    "erasure:hold-release": lambda t: {"public_id": t.extra["erasure_hold_id"]},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("erasure:hold-add", "POST"): lambda t: {
        "person": t.extra["erasure_person_id"], "reason": HoldReason.ALLEGATION},
    ("erasure:hold-record", "POST"): lambda t: {
        "subject_type": "people.person", "subject_id": t.extra["erasure_person_pk"],
        "reason": HoldReason.LITIGATION},
}

#                                          anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("erasure:erasure-list", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 200",
    ("erasure:erasure-list", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("erasure:hold-add", "GET"): "302 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ("erasure:hold-add", "POST"): "302 403 302 403 403 403 403 403 403 403 403 403 403 403",
    ("erasure:hold-record", "GET"): "302 403 405 403 403 403 403 403 403 403 403 403 403 403",
    ("erasure:hold-record", "POST"): "302 403 302 403 403 403 403 403 403 403 403 403 403 403",
    ("erasure:hold-release", "GET"): "302 403 405 403 403 403 403 403 403 403 403 403 403 403",
    ("erasure:hold-release", "POST"): "302 403 302 403 403 403 403 403 403 403 403 403 403 403",
}
