# ruff: noqa: E501  (one row per line keeps the table readable)
"""The equipment import pages (equipment/imports/) in the permission matrix.

Those who manage equipment (the SIRO, the business manager, the IT lead, and the outsider in
their own school) open the upload page and the templates; a check job is its maker's own
(the SIRO's here), so the business manager, the IT lead and the outsider get a 404 for it;
everyone else is refused.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.equipment.imports.tasks import CHECK_KIND, PERMISSION
from schoolkeep.jobs.services import job_create, job_finish
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    check = job_create(school=personas.school, actor=personas.siro, kind=CHECK_KIND,
                       title="Checking equipment.csv", permission=PERMISSION)
    job_finish(check, result={"problems": [{"row": 2, "column": "Serial number",
                                            "message": "Every row needs a serial number or an asset tag."}],
                              "problem_count": 1, "rows": 1, "preview": []})
    return {"equipment_import_job_id": str(check.public_id)}


URL_ARGUMENTS = {
    "equipment:import-template": lambda t: {"file_format": "csv"},
    "equipment:import-preview": lambda t: {"public_id": t.extra["equipment_import_job_id"]},
    "equipment:import-confirm": lambda t: {"public_id": t.extra["equipment_import_job_id"]},
}

#                                                  anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("equipment:import-upload", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("equipment:import-upload", "POST"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("equipment:import-template", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("equipment:import-template", "POST"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("equipment:import-preview", "GET"): "302 200 403 403 404 404 403 403 403 403 403 403 403 404",
    ("equipment:import-preview", "POST"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("equipment:import-confirm", "GET"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("equipment:import-confirm", "POST"): "302 302 403 403 404 404 403 403 403 403 403 403 403 404",
}
