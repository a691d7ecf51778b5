# ruff: noqa: E501  (one row per line keeps the table readable)
"""The audit trail's background export in the permission matrix.

Those who read the trail (the SIRO, the DPO and the auditor; the outsider for their own
school) start the job that writes it, by POST only: a GET is refused before anything else (a
link never starts work). Every other member, and the trust administrator, is refused. The
job's page and file are the jobs app's rows.
"""

from __future__ import annotations

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("audit:event-export-start", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("audit:event-export-start", "POST"): "302 302 302 403 403 403 403 403 403 403 403 302 403 302",
}
