# ruff: noqa: E501  (one row per line keeps the table readable)
"""The Backups page's rows of the permission matrix.

Backups are of the whole installation, and the page is for who sees the systems register
(``systems.view``: the SIRO, DPO, IT lead, data administrator, business manager, auditor and
trust admin); the other roles get 403. The outsider is the SIRO of their own school, so sees
the page too (there is no school record to 404 on). The page only reads: POST is 405.
"""

from __future__ import annotations

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("backups:backup-list", "GET"): "302 200 200 403 200 200 403 403 200 403 403 200 200 200",
    ("backups:backup-list", "POST"): "302 405 405 403 405 405 403 403 405 403 403 405 405 405",
}
