# ruff: noqa: E501  (one row per line keeps the table readable)
"""The training import pages (training/imports/) in the permission matrix.

Those who manage training (the SIRO, the business manager, the HR administrator, and the
outsider in their own school) open the upload page and the templates; a check job is its
maker's own (the SIRO's here), so the business manager, the HR administrator and the
outsider get a 404 for it; everyone else, the auditor and the trust administrator included
(read-only), is refused. Confirming the SIRO's check, which found a problem, sends them back
to the upload page.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.jobs.services import job_create, job_finish
from schoolkeep.training.imports.tasks import CHECK_KIND, PERMISSION
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    check = job_create(school=personas.school, actor=personas.siro, kind=CHECK_KIND,
                       title="Checking training.csv", permission=PERMISSION)
    job_finish(check, result={"problems": [{"row": 2, "column": "Course",
                                            "message": "This is blank: every row needs it."}],
                              "problem_count": 1, "rows": 1, "adding": [], "skipping": []})
    return {"training_import_job_id": str(check.public_id)}


URL_ARGUMENTS = {
    "training:import-template": lambda t: {"file_format": "csv"},
    "training:import-preview": lambda t: {"public_id": t.extra["training_import_job_id"]},
    "training:import-confirm": lambda t: {"public_id": t.extra["training_import_job_id"]},
}

#                                                 anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("training:import-upload", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:import-upload", "POST"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:import-template", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:import-template", "POST"): "302 405 403 403 405 403 403 405 403 403 403 403 403 405",
    ("training:import-preview", "GET"): "302 200 403 403 404 403 403 404 403 403 403 403 403 404",
    ("training:import-preview", "POST"): "302 405 403 403 405 403 403 405 403 403 403 403 403 405",
    ("training:import-confirm", "GET"): "302 405 403 403 405 403 403 405 403 403 403 403 403 405",
    ("training:import-confirm", "POST"): "302 302 403 403 404 403 403 404 403 403 403 403 403 404",
}
