# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the bank holidays page of requests (inforequests/clocks/urls.py,
under /requests/bank-holidays/).

The page is read with ``requests.view`` (the SIRO, the DPO and the auditor); adding and
removing one of the school's one-off bank holidays needs ``requests.holidays`` (the DPO
alone). Adding and removing are POST only (405 to a GET by the DPO). The outsider, SIRO of
another school, reads their own school's page, may not change it, and cannot reach this
school's extra day (403 for the permission comes first).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from schoolkeep.inforequests.models import ExtraBankHoliday
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """One extra bank holiday of the home school."""
    extra = ExtraBankHoliday.objects.create(school=personas.school, day=date(2027, 6, 14),
                                            name="Matrix day")
    return {"extra_bank_holiday_id": extra.pk}


URL_ARGUMENTS = {
    "requests:holiday-remove": lambda t: {"holiday_id": t.extra["extra_bank_holiday_id"]},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("requests:holiday-add", "POST"): lambda t: {
        "day_0": "15", "day_1": "6", "day_2": "2027", "name": "Matrix added",
        "nations": "england"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("requests:holiday-list", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("requests:holiday-list", "POST"): "302 405 405 403 403 403 403 403 403 403 403 405 403 405",
    ("requests:holiday-add", "GET"): "302 403 405 403 403 403 403 403 403 403 403 403 403 403",
    ("requests:holiday-add", "POST"): "302 403 302 403 403 403 403 403 403 403 403 403 403 403",
    ("requests:holiday-remove", "GET"): "302 403 405 403 403 403 403 403 403 403 403 403 403 403",
    ("requests:holiday-remove", "POST"): "302 403 302 403 403 403 403 403 403 403 403 403 403 403",
}
