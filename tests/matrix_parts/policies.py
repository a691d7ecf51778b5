# ruff: noqa: E501  (one row per line keeps the table readable)
"""The policy register's rows of the permission matrix.

Every member reads the register, its policies and versions (the outsider reads their own
school's register and gets 404 for this school's records); the SIRO and DPO manage it; the
information asset owner persona owns the matrix policy, so may send its draft for review; only
a governor approves or sends back a version waiting for approval.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from schoolkeep.agreements.policies.services import (
    policy_create,
    version_add,
    version_send_for_review,
)
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    school, siro = personas.school, personas.siro
    owned = policy_create(school=school, actor=siro, title="Matrix Policy", owner=personas.iao)
    draft = version_add(policy=owned, actor=siro, uploaded_file=SimpleUploadedFile(
        "policy.txt", b"Matrix Policy\n\nThe text.\n", content_type="text/plain"))
    reviewed = policy_create(school=school, actor=siro, title="Matrix Reviewed Policy")
    waiting = version_add(policy=reviewed, actor=siro, text="Matrix Reviewed Policy")
    version_send_for_review(version=waiting, actor=siro, notify=False)
    return {"policies_policy": str(owned.public_id), "policies_draft": str(draft.public_id),
            "policies_waiting": str(waiting.public_id)}


URL_ARGUMENTS = {
    "policies:policy-detail": lambda t: {"public_id": t.extra["policies_policy"]},
    "policies:policy-edit": lambda t: {"public_id": t.extra["policies_policy"]},
    "policies:version-create": lambda t: {"public_id": t.extra["policies_policy"]},
    "policies:version-detail": lambda t: {"public_id": t.extra["policies_draft"]},
    "policies:version-download": lambda t: {"public_id": t.extra["policies_draft"]},
    "policies:version-send": lambda t: {"public_id": t.extra["policies_draft"]},
    "policies:version-approve": lambda t: {"public_id": t.extra["policies_waiting"]},
    "policies:version-return": lambda t: {"public_id": t.extra["policies_waiting"]},
    "api:policy-detail": lambda t: {"policy_id": t.extra["policies_policy"]},
}

SCHOOL_QUERY = {"api:policy-list", "api:policy-detail"}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("policies:policy-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("policies:policy-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("policies:policy-create", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("policies:policy-create", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("policies:policy-import", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("policies:policy-import", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("policies:policy-detail", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("policies:policy-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("policies:policy-edit", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("policies:policy-edit", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("policies:version-create", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("policies:version-create", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("policies:version-detail", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("policies:version-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("policies:version-download", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("policies:version-download", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("policies:version-send", "GET"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("policies:version-send", "POST"): "302 302 302 302 403 403 403 403 403 403 403 403 403 404",
    ("policies:version-approve", "GET"): "302 403 403 403 403 403 403 403 403 403 200 403 403 403",
    ("policies:version-approve", "POST"): "302 403 403 403 403 403 403 403 403 403 200 403 403 403",
    ("policies:version-return", "GET"): "302 403 403 403 403 403 403 403 403 403 200 403 403 403",
    ("policies:version-return", "POST"): "302 403 403 403 403 403 403 403 403 403 200 403 403 403",
    # The API reads only: every member of the school, with a token.
    ("api:policy-list", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:policy-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:policy-detail", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:policy-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
