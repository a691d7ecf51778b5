# ruff: noqa: E501  (one row per line keeps the table readable)
"""The overview's rows of the permission matrix (issue 14).

``overview.view``: the SIRO, the DPO, the business manager, governors, the auditor and the
trust administrator (through the trust); every other role gets 403. The outsider is the SIRO
of their own school, so sees its overview and their own schools' page (200), but the home
school's overview by its slug is not found (404): it is not in their access list. The pages
only read: POST is 405 for whoever may see them.
"""

from __future__ import annotations

URL_ARGUMENTS = {
    "overview:school-of": lambda targets: {"slug": targets.personas.school.slug},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("overview:school", "GET"): "302 200 200 403 200 403 403 403 403 403 200 200 200 200",
    ("overview:school", "POST"): "302 405 405 403 405 403 403 403 403 403 405 405 405 405",
    ("overview:schools", "GET"): "302 200 200 403 200 403 403 403 403 403 200 200 200 200",
    ("overview:schools", "POST"): "302 405 405 403 405 403 403 403 403 403 405 405 405 405",
    ("overview:school-of", "GET"): "302 200 200 403 200 403 403 403 403 403 200 200 200 404",
    ("overview:school-of", "POST"): "302 405 405 403 405 403 403 403 403 403 405 405 405 405",
}

