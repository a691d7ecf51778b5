# ruff: noqa: E501  (one row per line keeps the table readable)
"""Choosing the owners of assets together (assets/owners/) in the permission matrix.

Those who manage the register (the SIRO, the DPO, the data administrator, and the outsider in
their own school) open the page and save it (an empty form saves nothing and comes back);
everyone else is refused.
"""

from __future__ import annotations

#                                             anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("assets:choose-owners", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:choose-owners", "POST"): "302 302 302 403 403 403 403 403 302 403 403 403 403 302",
}
