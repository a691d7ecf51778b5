# ruff: noqa: E501  (one row per line keeps the table readable)
"""The destruction log's pages (privacy/destruction/urls.py) and /api/v1/destructions.

Reading the log (the list, its CSV, an entry) needs ``retention.view``: the SIRO, DPO, IAO,
business manager, IT lead, HR and data administrators and the auditor. Recording a
destruction needs ``destructions.record``: the same, less the auditor. The designated
safeguarding lead, staff, governors and the trust administrator get 403. The outsider (SIRO of
another school) reads and records in their own school's log, and gets 404 on this school's
entry. In the API, not a member of the school: 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from schoolkeep.lib.dates_text import LONDON
from schoolkeep.privacy.destruction.models import DestructionMethod
from schoolkeep.privacy.destruction.services import destruction_record
from tests.personas import Personas

YESTERDAY = (datetime.now(LONDON) - timedelta(days=1)).date()


def build(personas: Personas) -> dict[str, Any]:
    """One entry in the school's log: leavers' files shredded yesterday."""
    entry = destruction_record(school=personas.school, actor=None,
                               description="Year 6 leavers' paper files",
                               method=DestructionMethod.SHREDDING, destroyed_on=YESTERDAY,
                               destroyed_by_label="Office manager")
    return {"destruction_id": str(entry.public_id)}


URL_ARGUMENTS = {
    "destructions:destruction-detail": lambda t: {"public_id": t.extra["destruction_id"]},
    "api:destruction-detail": lambda t: {"destruction_id": t.extra["destruction_id"]},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("destructions:destruction-record", "POST"): lambda t: {
        "description": "Old visitor books", "method": "shredding",
        "destroyed_on_0": str(YESTERDAY.day), "destroyed_on_1": str(YESTERDAY.month),
        "destroyed_on_2": str(YESTERDAY.year), "destroyed_by_label": "Office manager"},
}

SCHOOL_QUERY = {"api:destruction-list", "api:destruction-create", "api:destruction-detail"}
_API_ENTRY = {"school": "oakfield", "description": "Old visitor books", "method": "shredding",
              "destroyed_on": YESTERDAY.isoformat(), "destroyed_by": "Office manager"}
API_BODIES = {
    ("api:destruction-list", "POST"): _API_ENTRY,
    ("api:destruction-create", "POST"): _API_ENTRY,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("destructions:destruction-list", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 200",
    ("destructions:destruction-list", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("destructions:destruction-csv", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 200",
    ("destructions:destruction-csv", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("destructions:destruction-record", "GET"): "302 200 200 200 200 200 403 200 200 403 403 403 403 200",
    ("destructions:destruction-record", "POST"): "302 302 302 302 302 302 403 302 302 403 403 403 403 302",
    ("destructions:destruction-detail", "GET"): "302 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("destructions:destruction-detail", "POST"): "302 405 405 405 405 405 403 405 405 403 403 405 403 405",
    ("api:destruction-list", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:destruction-list", "POST"): "401 201 201 201 201 201 403 201 201 403 403 403 403 404",
    ("api:destruction-create", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:destruction-create", "POST"): "401 201 201 201 201 201 403 201 201 403 403 403 403 404",
    ("api:destruction-detail", "GET"): "401 200 200 200 200 200 403 200 200 403 403 200 403 404",
    ("api:destruction-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
