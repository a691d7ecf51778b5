# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the requests exports (inforequests/exports/urls.py).

The exports page and the request log need ``requests.view`` (SIRO, DPO, auditor); a bare
link to the log downloads the spreadsheet. The response letter needs ``requests.handle``
(SIRO, DPO): the auditor, who reads, gets 403. The trust administrator holds no school
role: 403. The outsider, SIRO of another school, sees their own school's exports page and
log; this school's request is a 404 to them.
"""

from __future__ import annotations

from typing import Any

from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    return {"exports_request_id": str(make_request(personas).public_id)}


URL_ARGUMENTS = {
    "requests:request-letter": lambda t: {"public_id": t.extra["exports_request_id"]},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("requests:export-list", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("requests:export-list", "POST"): "302 405 405 403 403 403 403 403 403 403 403 405 403 405",
    ("requests:export-log", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("requests:export-log", "POST"): "302 405 405 403 403 403 403 403 403 403 403 405 403 405",
    ("requests:request-letter", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-letter", "POST"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
}
