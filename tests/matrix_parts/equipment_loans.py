# ruff: noqa: E501  (one row per line keeps the table readable)
"""Equipment loans: their pages and /api/v1/loans.

Reading needs ``equipment.view`` (the SIRO, DPO, business manager, IT lead, auditor and trust
administrator); lending, changing, recording a return and reporting a loan as an incident
need ``equipment.manage`` (the SIRO, business manager and IT lead). The loan the matrix acts
on is overdue, so that reporting it is a real change. Another school's loan is a 404 for the
outsider (the SIRO of their own school, who sees their own list, form and export; their
form does not find this school's item). In the API, not a member of the school: 404.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.equipment.inventory.services import item_create
from schoolkeep.equipment.loans.services import loan_issue
from schoolkeep.equipment.models import Item
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from tests.personas import Personas

# Fixed ids, so that the API's create body (a constant) can name them.
ITEM_ID = uuid.UUID("5d2e4c1a-16ac-4c0a-9a16-000000000365")
PERSON_ID = uuid.UUID("5d2e4c1a-16ac-4c0a-9a16-000000000366")


def build(personas: Personas) -> dict[str, Any]:
    today = timezone.localdate()
    school, siro = personas.school, personas.siro
    lent = item_create(school=school, actor=siro, kind="laptop", asset_tag="MATRIX-LOAN-1",
                       personal_data=True, encryption="bitlocker")
    free = item_create(school=school, actor=siro, kind="laptop", asset_tag="MATRIX-LOAN-2",
                       personal_data=False)
    Item.objects.filter(pk=free.pk).update(public_id=ITEM_ID)
    person = person_create(school=school, actor=None, full_name="Matrix Borrower",
                           kind="teaching")
    Person.objects.filter(pk=person.pk).update(public_id=PERSON_ID)
    loan = loan_issue(school=school, actor=None, item=lent, person=person,
                      issued_on=today - timedelta(days=30),
                      expected_return_on=today - timedelta(days=5))
    return {"equipment_loan_id": str(loan.public_id)}


def _loan(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["equipment_loan_id"]}


def _api_loan(t: Any) -> dict[str, str]:
    return {"loan_id": t.extra["equipment_loan_id"]}


URL_ARGUMENTS = {
    "equipment:loan-detail": _loan,
    "equipment:loan-edit": _loan,
    "equipment:loan-return": _loan,
    "equipment:loan-incident": _loan,
    "api:loan-detail": _api_loan,
    "api:loan-update": _api_loan,
}

_TODAY = timezone.localdate


def _create(t: Any) -> dict[str, str]:
    today = _TODAY()
    return {"item": "MATRIX-LOAN-2", "person": str(PERSON_ID), "issued_on": today.isoformat(),
            "expected_return_on": (today + timedelta(days=7)).isoformat()}


FORM_BODIES: dict[tuple[str, str], Any] = {
    ("equipment:loan-create", "POST"): _create,
    ("equipment:loan-edit", "POST"): lambda t: {
        "version": "1", "expected_return_on": (_TODAY() + timedelta(days=3)).isoformat(),
        "purpose": "Marking"},
    ("equipment:loan-return", "POST"): lambda t: {"returned_on": _TODAY().isoformat(),
                                                  "condition_on_return": "Good"},
    ("equipment:loan-incident", "POST"): lambda t: {"reason": "overdue",
                                                    "note": "Asked twice."},
}

SCHOOL_QUERY = {"api:loan-list", "api:loan-create", "api:loan-detail", "api:loan-update"}
EXTRA_METHODS = {"api:loan-update": ("PATCH",)}

_API_CREATE = {"school": "oakfield", "item": str(ITEM_ID), "person": str(PERSON_ID),
               "expected_return_on": "2099-01-01"}
API_BODIES = {
    ("api:loan-create", "POST"): _API_CREATE,
    ("api:loan-list", "POST"): _API_CREATE,
    ("api:loan-update", "PATCH"): {"version": 1, "purpose": "Marking"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("equipment:loan-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("equipment:loan-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:loan-export", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("equipment:loan-export", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:loan-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("equipment:loan-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:loan-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("equipment:loan-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 200",
    ("equipment:loan-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:loan-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("equipment:loan-return", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:loan-return", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("equipment:loan-incident", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:loan-incident", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("api:loan-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:loan-list", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:loan-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:loan-create", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:loan-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:loan-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:loan-update", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:loan-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:loan-update", "PATCH"): "401 200 403 403 200 200 403 403 403 403 403 403 403 404",
}
