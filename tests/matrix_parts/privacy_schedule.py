# ruff: noqa: E501  (one row per line keeps the table readable)
"""The retention schedule's pages (privacy/schedule/urls.py) and /api/v1/record-types.

Reading (the schedule, a type, what is due) needs ``retention.view``: the SIRO, DPO, IAO,
business manager, IT lead, HR and data administrators and the auditor. Changing a type,
adding one, going back to the starting period and recording a review need
``retention.manage`` (SIRO, DPO, business manager). The outsider is the SIRO of another
school: their own schedule and forms answer as the SIRO's, but this school's own types are
not in their schedule (404). The trust's schedule is the trust administrator's alone
(``trust.overview`` to read, ``trust.rules.manage`` to change); the outsider's school is in
no trust (404). In the API, not a member of the school: 404.

``build`` gives the school a type of its own (version 1) and its own period for CCTV
(version 1, which the reset archives).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.selectors import effective_record_type
from schoolkeep.privacy.schedule.services import record_type_add, record_type_adjust
from tests.personas import Personas

_TYPE = {"name": "Minibus log books", "description": "", "event": "creation", "years": 3,
         "months": 0, "days": 0, "action": "destroy", "source": "Our insurer's terms"}


def build(personas: Personas) -> dict[str, Any]:
    own = record_type_add(school=personas.school, actor=None, **_TYPE)
    cctv = record_type_adjust(school=personas.school, actor=None, version=1,
                              record_type=effective_record_type(personas.school, keys.CCTV),
                              days=14)
    finance = effective_record_type(personas.school, keys.FINANCE)
    return {"schedule_own_id": str(own.public_id), "schedule_cctv_id": str(cctv.public_id),
            "schedule_finance_id": str(finance.public_id)}


def _own(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["schedule_own_id"]}


def _today_parts(name: str) -> dict[str, str]:
    today = timezone.localdate()
    return {f"{name}_0": str(today.day), f"{name}_1": str(today.month),
            f"{name}_2": str(today.year)}


URL_ARGUMENTS = {
    "retention:type-detail": _own,
    "retention:type-adjust": _own,
    "retention:type-review": _own,
    "retention:type-reset": lambda t: {"public_id": t.extra["schedule_cctv_id"]},
    "retention:trust-type-adjust": lambda t: {"public_id": t.extra["schedule_finance_id"]},
    "api:record-type-detail": lambda t: {"type_id": t.extra["schedule_own_id"]},
    "api:record-type-update": lambda t: {"type_id": t.extra["schedule_own_id"]},
}

_FORM = {"name": "Minibus log books", "description": "", "event": "creation", "years": "4",
         "months": "", "days": "", "action": "destroy", "source": "Our insurer's terms"}
FORM_BODIES: dict[tuple[str, str], Any] = {
    ("retention:type-adjust", "POST"): lambda t: {**_FORM, "version": "1"},
    ("retention:type-add", "POST"): lambda t: {**_FORM, "name": "Trip consent forms"},
    ("retention:type-review", "POST"): lambda t: {**_today_parts("reviewed_on"),
                                                   "note": "All in the office cabinet."},
    ("retention:type-reset", "POST"): lambda t: {"version": "1"},
    ("retention:trust-type-adjust", "POST"): lambda t: {
        **_FORM, "name": "Finance records", "event": "financial_year_end", "years": "7",
        "version": "1"},
}

SCHOOL_QUERY = {"api:record-type-list", "api:record-type-create", "api:record-type-detail",
                "api:record-type-update"}
EXTRA_METHODS: dict[str, tuple[str, ...]] = {"api:record-type-update": ("PATCH",)}
_API_TYPE = {"name": "Trip consent forms", "event": "creation", "years": 1}
API_BODIES = {
    ("api:record-type-list", "POST"): _API_TYPE,
    ("api:record-type-create", "POST"): _API_TYPE,
    ("api:record-type-update", "PATCH"): {"version": 1, "years": 4},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("retention:schedule", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 200",
    ("retention:schedule", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("retention:due", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 200",
    ("retention:due", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("retention:type-detail", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("retention:type-detail", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("retention:type-adjust", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 404",
    ("retention:type-adjust", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("retention:type-add", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 200",
    ("retention:type-add", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 302",
    ("retention:type-reset", "GET"): "302 405 405 403 405 403 403 403 403 403 403 403 403 405",
    ("retention:type-reset", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("retention:type-review", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 404",
    ("retention:type-review", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("retention:trust-schedule", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 200 404",
    ("retention:trust-schedule", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 405 404",
    ("retention:trust-type-adjust", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 200 404",
    ("retention:trust-type-adjust", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 302 404",
    ("api:record-type-list", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:record-type-list", "POST"): "401 201 201 403 201 403 403 403 403 403 403 403 403 404",
    ("api:record-type-create", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:record-type-create", "POST"): "401 201 201 403 201 403 403 403 403 403 403 403 403 404",
    ("api:record-type-detail", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:record-type-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:record-type-update", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:record-type-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:record-type-update", "PATCH"): "401 200 200 403 200 403 403 403 403 403 403 403 403 404",
}
