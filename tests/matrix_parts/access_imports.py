# ruff: noqa: E501  (one row per line keeps the table readable)
"""The user-list pages of access (access/imports/) in the permission matrix.

Those who manage access (the SIRO, the IT lead, and the outsider in their own school) open the
upload page and the templates; a check job is its maker's own (the SIRO's here), so the IT
lead and the outsider get a 404 for it; everyone else is refused.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.access.imports.tasks import CHECK_KIND
from schoolkeep.jobs.services import job_create, job_finish
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    check = job_create(school=personas.school, actor=personas.siro, kind=CHECK_KIND,
                       title="Checking users.csv", permission="access.manage")
    job_finish(check, result={"problems": [{"row": 2, "column": "Username",
                                            "message": "Every row needs the account's username."}],
                              "problem_count": 1, "rows": 1, "sections": []})
    return {"access_import_job_id": str(check.public_id)}


URL_ARGUMENTS = {
    "access:import-template": lambda t: {"file_format": "csv"},
    "access:import-preview": lambda t: {"public_id": t.extra["access_import_job_id"]},
    "access:import-confirm": lambda t: {"public_id": t.extra["access_import_job_id"]},
}

#                                               anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("access:import-upload", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 200",
    ("access:import-upload", "POST"): "302 200 403 403 403 200 403 403 403 403 403 403 403 200",
    ("access:import-template", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 200",
    ("access:import-template", "POST"): "302 405 403 403 403 405 403 403 403 403 403 403 403 405",
    ("access:import-preview", "GET"): "302 200 403 403 403 404 403 403 403 403 403 403 403 404",
    ("access:import-preview", "POST"): "302 405 403 403 403 405 403 403 403 403 403 403 403 405",
    ("access:import-confirm", "GET"): "302 405 403 403 403 405 403 403 403 403 403 403 403 405",
    ("access:import-confirm", "POST"): "302 302 403 403 403 404 403 403 403 403 403 403 403 404",
}
