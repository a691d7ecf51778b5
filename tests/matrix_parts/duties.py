# ruff: noqa: E501  (one row per line keeps the table readable)
"""The rows of the page of one kind of duty (``duties:duty-kind-list``).

Every member may open a kind's page: it lists their own duties of that kind (none, for most
personas), as the dashboard does, so it answers 200 to each; the outsider sees their own
school's. Whose duties of others a member may see is tested in duties/tests/test_bounds.py
(``?who=others``: 404 for who does not oversee them). The page only reads: POST is 405.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

URL_ARGUMENTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "duties:duty-kind-list": lambda t: {"kind": "tenancy.mfa-missing"},
}

#                                               anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("duties:duty-kind-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("duties:duty-kind-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
