# ruff: noqa: E501  (one row per line keeps the table readable)
"""Requests in the API (/api/v1/requests, inforequests/api.py).

Every school role logs a request (201), the auditor and governor included; the trust
administrator may not (403). The list is for ``requests.view`` (SIRO, DPO, auditor). One
request (logged two days ago by the member of staff, version 1) reads for the same three;
every other member, its logger included, and the trust administrator get 404, as for a
request that does not exist. PATCH, pauses and extensions need ``requests.handle`` (SIRO,
DPO): 403 for the others. Not a member of the school (the outsider): 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from schoolkeep.lib.dates_text import LONDON
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

# Asked for and decided yesterday, after the request arrived the day before.
YESTERDAY = (datetime.now(LONDON) - timedelta(days=1)).date().isoformat()


def build(personas: Personas) -> dict[str, Any]:
    request = make_request(personas, received_at=datetime.now(LONDON) - timedelta(days=2))
    return {"requests_api_request_id": str(request.public_id)}


def _request(t: Any) -> dict[str, str]:
    return {"request_id": t.extra["requests_api_request_id"]}


URL_ARGUMENTS = {
    "api:request-detail": _request,
    "api:request-update": _request,
    "api:request-pause-create": _request,
    "api:request-extension-create": _request,
}

SCHOOL_QUERY = {"api:request-list", "api:request-create", "api:request-detail",
                "api:request-update", "api:request-pause-create",
                "api:request-extension-create"}

EXTRA_METHODS: dict[str, tuple[str, ...]] = {"api:request-update": ("PATCH",)}

# A freedom of information request is in writing with an address for the reply.
_LOG = {"school": "oakfield", "kind": "foi",
        "requester": {"type": "public", "name": "Matrix Asker", "contact": "asker@example.com"},
        "description": "The school's energy bills for 2025."}
API_BODIES = {
    ("api:request-list", "POST"): _LOG,
    ("api:request-create", "POST"): _LOG,
    ("api:request-update", "PATCH"): {"version": 1, "description": "Matrix change"},
    ("api:request-pause-create", "POST"): {"reason": "identity", "asked_on": YESTERDAY,
                                           "note": "Photo ID"},
    ("api:request-extension-create", "POST"): {"amount": 1, "reason": "Many records.",
                                               "decided_on": YESTERDAY},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("api:request-list", "GET"): "401 200 200 403 403 403 403 403 403 403 403 200 403 404",
    ("api:request-list", "POST"): "401 201 201 201 201 201 201 201 201 201 201 201 403 404",
    ("api:request-create", "GET"): "401 200 200 403 403 403 403 403 403 403 403 200 403 404",
    ("api:request-create", "POST"): "401 201 201 201 201 201 201 201 201 201 201 201 403 404",
    ("api:request-detail", "GET"): "401 200 200 404 404 404 404 404 404 404 404 200 404 404",
    ("api:request-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:request-update", "GET"): "401 200 200 404 404 404 404 404 404 404 404 200 404 404",
    ("api:request-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:request-update", "PATCH"): "401 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("api:request-pause-create", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:request-pause-create", "POST"): "401 201 201 403 403 403 403 403 403 403 403 403 403 404",
    ("api:request-extension-create", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:request-extension-create", "POST"): "401 201 201 403 403 403 403 403 403 403 403 403 403 404",
}
