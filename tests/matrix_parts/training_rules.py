# ruff: noqa: E501  (one row per line keeps the table readable)
"""Training rules: the status page (the app's landing), the RPA's rule, the training matrix
download and the settings.

Reading needs ``training.view`` (the SIRO, DPO, business manager, HR administrator, auditor
and trust administrator). The status page opens for every member: one holding only
``training.own`` is sent to their own training (302), the auditor reads it. The settings need
``training.manage`` (the SIRO, business manager and HR administrator), to read and to save;
the outsider, the SIRO of their own school, sees and saves their own school's settings.
"""

from __future__ import annotations

from typing import Any

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("training:settings", "POST"): lambda t: {
        "version": "1", "induction_days": "20", "rpa_member": "on",
        "rpa_year_start_day": "1", "rpa_year_start_month": "9"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("training:status", "GET"): "302 200 200 302 200 302 302 200 302 302 302 200 200 200",
    ("training:status", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("training:rpa", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 200",
    ("training:rpa", "POST"): "302 405 405 403 405 403 403 405 403 403 403 405 405 405",
    ("training:matrix-export", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 200",
    ("training:matrix-export", "POST"): "302 405 405 403 405 403 403 405 403 403 403 405 405 405",
    ("training:settings", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:settings", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 302",
}
