# ruff: noqa: E501  (one row per line keeps the table readable)
"""The register's background downloads in the permission matrix.

Every member who reads the register (every role, and the trust administrator) starts the job
that makes one of its downloads, by POST only (a GET is refused: a link never starts work).
The outsider starts one for their own school. The job's page and file are the jobs app's rows.
"""

from __future__ import annotations

URL_ARGUMENTS = {
    "assets:export-start": lambda t: {"code": "register-csv"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("assets:export-start", "GET"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:export-start", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
}
