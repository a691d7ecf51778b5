# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of a DPIA's downloads (privacy/dpias/exports/urls.py) and of
/api/v1/dpias (privacy/dpias/api.py).

Downloads (GET, ``dpias.view``): SIRO, DPO, IAO, business manager, IT lead, DSL and the
auditor; HR, the data administrator, staff, governors and the trust administrator get 403;
the outsider (SIRO of another school) 404 for this school's DPIA; POST is 405.

API: reading (``dpias.view``) as the downloads; starting, changing the assessment and the
screening (``dpias.manage``): SIRO, DPO, IAO, business manager, IT lead. Not a member of
the school (the outsider): 404; no token: 401. The screening questions are the same for
everyone signed in.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.privacy.dpias import screening, services
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """A project's DPIA, started and not yet screened (version 1)."""
    dpia = services.dpia_start(school=personas.school, actor=None,
                               project_name="Matrix export project")
    assert dpia.version == 1
    return {"dpia_export_id": str(dpia.public_id)}


def _dpia(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["dpia_export_id"]}


def _api_dpia(t: Any) -> dict[str, str]:
    return {"dpia_id": t.extra["dpia_export_id"]}


URL_ARGUMENTS = {
    "dpias:dpia-docx": _dpia,
    "dpias:dpia-pdf": _dpia,
    "api:dpia-detail": _api_dpia,
    "api:dpia-update": _api_dpia,
    "api:dpia-screening": _api_dpia,
}

SCHOOL_QUERY = {"api:dpia-list", "api:dpia-create", "api:dpia-detail", "api:dpia-update",
                "api:dpia-screening"}

EXTRA_METHODS: dict[str, tuple[str, ...]] = {"api:dpia-update": ("PATCH",)}

_START = {"school": "oakfield", "project_name": "Matrix project"}
API_BODIES = {
    ("api:dpia-list", "POST"): _START,
    ("api:dpia-create", "POST"): _START,
    ("api:dpia-update", "PATCH"): {"version": 1, "necessity": "Matrix change"},
    ("api:dpia-screening", "POST"): {
        "version": 1,
        "answers": {q.key: {"answer": False, "note": ""} for q in screening.QUESTIONS}},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("dpias:dpia-docx", "GET"): "302 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("dpias:dpia-docx", "POST"): "302 405 405 405 405 405 405 403 403 403 403 405 403 405",
    ("dpias:dpia-pdf", "GET"): "302 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("dpias:dpia-pdf", "POST"): "302 405 405 405 405 405 405 403 403 403 403 405 403 405",
    ("api:dpia-list", "GET"): "401 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("api:dpia-list", "POST"): "401 201 201 201 201 201 403 403 403 403 403 403 403 404",
    ("api:dpia-create", "GET"): "401 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("api:dpia-create", "POST"): "401 201 201 201 201 201 403 403 403 403 403 403 403 404",
    ("api:dpia-detail", "GET"): "401 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("api:dpia-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:dpia-update", "GET"): "401 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("api:dpia-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:dpia-update", "PATCH"): "401 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("api:dpia-screening", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:dpia-screening", "POST"): "401 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("api:dpia-screening-questions", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("api:dpia-screening-questions", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
