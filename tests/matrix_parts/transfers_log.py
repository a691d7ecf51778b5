# ruff: noqa: E501  (one row per line keeps the table readable)
"""The transfer log: its pages and /api/v1/transfers.

Logging needs ``transfers.send`` (every school role but the auditor); the whole log needs
``transfers.view`` (SIRO, DPO, business manager, IT lead, auditor, trust administrator);
everyone else who may send sees their own transfers only, so the staff member's transfer
built here is a 404 to the other senders. Reviewing needs ``transfers.manage`` (SIRO,
DPO); the export ``transfers.view``. The incident page asks on GET and reports on POST
(the auditor may report incidents, as every member may). In the API, not a member of the
school: 404.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.transfers.log.services import transfer_log
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    transfer = transfer_log(school=personas.school, actor=personas.staff, data_kind="sen",
                            recipient="school", channel_other="Ordinary e-mail",
                            log_anyway=True)
    return {"transfer_id": str(transfer.public_id)}


def _transfer(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["transfer_id"]}


def _api_transfer(t: Any) -> dict[str, str]:
    return {"transfer_id": t.extra["transfer_id"]}


URL_ARGUMENTS = {
    "transfers:transfer-detail": _transfer,
    "transfers:transfer-review": _transfer,
    "transfers:transfer-incident": _transfer,
    "api:transfer-detail": _api_transfer,
    "api:transfer-update": _api_transfer,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("transfers:transfer-create", "POST"): lambda t: {
        "data_kind": "sen", "recipient": "school", "channel": "other",
        "channel_other": "Post", "pupils_named": "unknown", "log_anyway": "yes"},
    ("transfers:transfer-review", "POST"): lambda t: {"note": "Checked", "version": "1"},
}

SCHOOL_QUERY = {"api:transfer-list", "api:transfer-create", "api:transfer-detail",
                "api:transfer-update"}
EXTRA_METHODS = {"api:transfer-update": ("PATCH",)}

_CREATE = {"school": "oakfield", "data_kind": "sen", "recipient": "school",
           "channel_other": "Post"}
API_BODIES = {
    ("api:transfer-create", "POST"): _CREATE,
    ("api:transfer-list", "POST"): _CREATE,
    ("api:transfer-update", "PATCH"): {"version": 1, "review_note": "Checked"},
}

#                                              anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("transfers:transfer-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("transfers:transfer-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("transfers:transfer-create", "GET"): "302 200 200 200 200 200 200 200 200 200 200 403 403 200",
    ("transfers:transfer-create", "POST"): "302 302 302 302 302 302 302 302 302 302 302 403 403 302",
    ("transfers:transfer-export", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("transfers:transfer-export", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("transfers:transfer-detail", "GET"): "302 200 200 404 200 200 404 404 404 200 404 200 200 404",
    ("transfers:transfer-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("transfers:transfer-review", "GET"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
    ("transfers:transfer-review", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("transfers:transfer-incident", "GET"): "302 200 200 404 200 200 404 404 404 200 404 200 403 404",
    ("transfers:transfer-incident", "POST"): "302 302 302 404 302 302 404 404 404 302 404 302 403 404",
    ("api:transfer-list", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:transfer-list", "POST"): "401 201 201 201 201 201 201 201 201 201 201 403 403 404",
    ("api:transfer-create", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:transfer-create", "POST"): "401 201 201 201 201 201 201 201 201 201 201 403 403 404",
    ("api:transfer-detail", "GET"): "401 200 200 404 200 200 404 404 404 200 404 200 200 404",
    ("api:transfer-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:transfer-update", "GET"): "401 200 200 404 200 200 404 404 404 200 404 200 200 404",
    ("api:transfer-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:transfer-update", "PATCH"): "401 200 200 403 403 403 403 403 403 403 403 403 403 404",
}
