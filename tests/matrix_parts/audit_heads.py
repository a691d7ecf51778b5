# ruff: noqa: E501  (one row per line keeps the table readable)
"""The audit trail's "I have copied the chain heads" button in the permission matrix: those
who read the trail (the SIRO, the DPO and the auditor; the outsider for their own school)
dismiss the notice, by POST only. Every other member, and the trust administrator, is
refused."""

from __future__ import annotations

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("audit:heads-copied", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("audit:heads-copied", "POST"): "302 302 302 403 403 403 403 403 403 403 403 302 403 302",
}
