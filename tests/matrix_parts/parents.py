# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of parents and their import: the list needs aups.records (SIRO,
business manager, auditor, trust administrator); changes and imports need aups.manage (SIRO,
business manager). The outsider, SIRO of another school, reaches their own school's list and
forms and gets 404 for this school's parent; an import check is only its starter's."""

from __future__ import annotations

from typing import Any

from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.parents.tasks import CHECK_KIND
from schoolkeep.jobs.services import job_create, job_finish
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    parent = parent_create(school=personas.school, actor=personas.siro,
                           full_name="Matrix Parent", email="matrix.parent@example.com",
                           classes="Year 3")
    job = job_create(school=personas.school, actor=personas.siro, kind=CHECK_KIND,
                     title="Checking parents.csv", permission="aups.manage")
    job_finish(job, result={"problems": [{"row": 2, "column": "Name",
                                          "message": "Every row needs the parent's name."}],
                            "problem_count": 1, "rows": 1})
    return {"parents_parent_id": str(parent.public_id),
            "parents_import_job_id": str(job.public_id)}


URL_ARGUMENTS = {
    "agreements:parent-edit": lambda t: {"public_id": t.extra["parents_parent_id"]},
    "agreements:parent-archive": lambda t: {"public_id": t.extra["parents_parent_id"]},
    "agreements:parent-import-template": lambda t: {"file_format": "csv"},
    "agreements:parent-import-preview": lambda t: {"public_id": t.extra["parents_import_job_id"]},
    "agreements:parent-import-confirm": lambda t: {"public_id": t.extra["parents_import_job_id"]},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("agreements:parent-list", "GET"): "302 200 403 403 200 403 403 403 403 403 403 200 200 200",
    ("agreements:parent-list", "POST"): "302 405 403 403 405 403 403 403 403 403 403 405 405 405",
    ("agreements:parent-create", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("agreements:parent-create", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("agreements:parent-edit", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:parent-edit", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:parent-archive", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:parent-archive", "POST"): "302 302 403 403 302 403 403 403 403 403 403 403 403 404",
    ("agreements:parent-import-upload", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("agreements:parent-import-upload", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("agreements:parent-import-template", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("agreements:parent-import-template", "POST"): "302 405 403 403 405 403 403 403 403 403 403 403 403 405",
    ("agreements:parent-import-preview", "GET"): "302 200 403 403 404 403 403 403 403 403 403 403 403 404",
    ("agreements:parent-import-preview", "POST"): "302 405 403 403 405 403 403 403 403 403 403 403 403 405",
    ("agreements:parent-import-confirm", "GET"): "302 405 403 403 405 403 403 403 403 403 403 403 403 405",
    ("agreements:parent-import-confirm", "POST"): "302 302 403 403 404 403 403 403 403 403 403 403 403 404",
}
