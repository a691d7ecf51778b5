# ruff: noqa: E501  (one row per line keeps the table readable)
"""The coverage pages' rows of the permission matrix.

Two-factor and administrators need ``access.view`` (the SIRO, the DPO, the IT lead, the
business manager, the auditor and the trust administrator); they only read (a POST is 405
for those who may read, 403 for the rest). The outsider, SIRO of another school, reads their
own school's pages. A person's DBS exception needs ``access.manage`` (the SIRO and the IT
lead) to read and to record; another school's person is a 404.
"""

from __future__ import annotations

from typing import Any

URL_ARGUMENTS = {
    "access:dbs-exception": lambda t: {"public_id": t.person_id},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("access:dbs-exception", "POST"): lambda t: {"reason": "A supplier's engineer under contract"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("access:two-factor", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("access:two-factor", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("access:administrators", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("access:administrators", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("access:dbs-exception", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 404",
    ("access:dbs-exception", "POST"): "302 302 403 403 403 302 403 403 403 403 403 403 403 404",
}
