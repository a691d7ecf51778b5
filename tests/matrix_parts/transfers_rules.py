# ruff: noqa: E501  (one row per line keeps the table readable)
"""The transfer rules: their pages (``transfers:rules`` and the cells' edit and reset), the
trust's pages, and /api/v1/transfer-rules.

Reading the school's table needs ``transfers.view`` (the SIRO, DPO, business manager, IT
lead, auditor and trust administrator); changing or resetting a cell ``transfers.manage``
(the SIRO and the DPO). The outsider is the SIRO of their own school, so their own table and
cells answer as the SIRO's do (each school's cells are its own: there is no other school's
record to reach). The trust's pages are the trust administrator's alone (``trust.overview``
to read, ``trust.rules.manage`` to change); the outsider's school is in no trust (404).

The writes are real: ``build`` gives the school, and the trust, a rule of their own for
"other data to parents", which the resets remove; the edits post a valid form for "staff
information to another school" (no rule yet: version 0). Resets are POST only. In the API,
not a member of the school: 404.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.transfers.rules.services import transfer_rule_set, trust_transfer_rule_set
from tests.personas import Personas

RESET_CELL = {"data_kind": "other", "recipient": "parents"}
EDIT_CELL = {"data_kind": "staff", "recipient": "school"}


def build(personas: Personas) -> dict[str, Any]:
    transfer_rule_set(school=personas.school, actor=None, answer="ask_dpo", version=0,
                      **RESET_CELL)
    trust_transfer_rule_set(organisation=personas.school.organisation, actor=None,
                            answer="channels", channels=["secure-email"], version=0,
                            **RESET_CELL)
    return {}


URL_ARGUMENTS = {
    "transfers:rule-edit": lambda t: EDIT_CELL,
    "transfers:rule-reset": lambda t: RESET_CELL,
    "transfers:trust-rule-edit": lambda t: EDIT_CELL,
    "transfers:trust-rule-reset": lambda t: RESET_CELL,
    "api:transfer-rule-detail": lambda t: EDIT_CELL,
    "api:transfer-rule-update": lambda t: EDIT_CELL,
    "api:transfer-rule-reset": lambda t: RESET_CELL,
}

_FORM = {"version": "0", "answer": "channels", "channels": ["egress"], "note": "Matrix"}
FORM_BODIES: dict[tuple[str, str], Any] = {
    ("transfers:rule-edit", "POST"): lambda t: _FORM,
    ("transfers:trust-rule-edit", "POST"): lambda t: _FORM,
}

SCHOOL_QUERY = {"api:transfer-rule-list", "api:transfer-rule-detail",
                "api:transfer-rule-update", "api:transfer-rule-reset"}
EXTRA_METHODS = {"api:transfer-rule-update": ("PUT", "PATCH"),
                 "api:transfer-rule-reset": ("DELETE",)}
API_BODIES = {
    ("api:transfer-rule-update", "PUT"): {"version": 0, "answer": "channels",
                                          "channels": ["egress"], "note": ""},
    ("api:transfer-rule-update", "PATCH"): {"version": 0, "note": "Matrix"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("transfers:rules", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("transfers:rules", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("transfers:rule-edit", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("transfers:rule-edit", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 302",
    ("transfers:rule-reset", "GET"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
    ("transfers:rule-reset", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 302",
    ("transfers:trust-rules", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 200 404",
    ("transfers:trust-rules", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 405 404",
    ("transfers:trust-rule-edit", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 200 404",
    ("transfers:trust-rule-edit", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 302 404",
    ("transfers:trust-rule-reset", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 405 404",
    ("transfers:trust-rule-reset", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 302 404",
    ("api:transfer-rule-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:transfer-rule-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:transfer-rule-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:transfer-rule-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:transfer-rule-update", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:transfer-rule-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:transfer-rule-update", "PUT"): "401 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("api:transfer-rule-update", "PATCH"): "401 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("api:transfer-rule-reset", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:transfer-rule-reset", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:transfer-rule-reset", "DELETE"): "401 200 200 403 403 403 403 403 403 403 403 403 403 404",
}
