# ruff: noqa: E501  (one row per line keeps the table readable)
"""The access reviews' rows of the permission matrix.

The list needs ``access.review`` (every school role but the auditor and the governor; the
trust administrator holds no school role). One asset's review page ("Matrix Asset", owned by
the information asset owner persona): its owner, the SIRO and the DPO see it and record the
review; the IT lead and the business manager (who hold ``access.view``) see it without the
answers and are refused a review (403); every other member is refused the page; the
outsider gets 404.
"""

from __future__ import annotations

from typing import Any

URL_ARGUMENTS = {
    "access:review-asset": lambda t: {"public_id": t.asset_id},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("access:review-asset", "POST"): lambda t: {"outcome": "confirmed"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("access:review-list", "GET"): "302 200 200 200 200 200 200 200 200 200 403 403 403 200",
    ("access:review-list", "POST"): "302 405 405 405 405 405 405 405 405 405 403 403 403 405",
    ("access:review-asset", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("access:review-asset", "POST"): "302 302 302 302 403 403 403 403 403 403 403 403 403 404",
}
