# ruff: noqa: E501  (one row per line keeps the table readable)
"""The policy document's pages (compliance, under /compliance/policy-document/).

Reading the page and making the document (a background job) need ``compliance.view`` (the
SIRO, DPO, business manager, IT lead, governor, auditor and trust administrator). Sending it
to the policy register needs ``compliance.manage`` and, as the register's own rule, a member
who may change the register (``policies.manage``: the SIRO and DPO): the business manager is
refused (403). The outsider (SIRO of another school) reads, makes and sends their own
school's document.
"""

from __future__ import annotations

from typing import Any

from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    return {}


URL_ARGUMENTS: dict[str, Any] = {}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("compliance:policydoc-make", "POST"): lambda t: {"format": "pdf"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("compliance:policydoc", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 200",
    ("compliance:policydoc", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:policydoc-make", "GET"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:policydoc-make", "POST"): "302 302 302 403 302 302 403 403 403 403 302 302 302 302",
    ("compliance:policydoc-send", "GET"): "302 405 405 403 405 403 403 403 403 403 403 403 403 405",
    ("compliance:policydoc-send", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 302",
}
