# ruff: noqa: E501  (one row per line keeps the table readable)
"""Backup checks, restore tests and the backup and restore log: their pages,
/api/v1/backup-checks and /api/v1/restore-tests.

Reading (the lists, a check's report, a test's page, the log) needs ``continuity.view``
(the SIRO, DPO, business manager, IT lead, auditor and trust administrator); recording a
check or a test needs ``continuity.manage`` (the SIRO, business manager and IT lead).
Another school's report or test is a 404 for the outsider (the SIRO of their own school,
who sees their own lists, forms and log; their form does not offer this school's set, so
their POST shows the form again). In the API, not a member of the school: 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.continuity.checks.services import check_record, restore_record
from schoolkeep.continuity.models import BackupSet
from schoolkeep.lib.text import fold
from tests.personas import Personas

# A fixed id, so that the bodies (constants) can name the set.
SET_ID = uuid.UUID("5d2e4c1a-16ac-4c0a-9a16-000000000405")


def build(personas: Personas) -> dict[str, Any]:
    school, today = personas.school, timezone.localdate()
    backup_set = BackupSet.objects.create(
        school=school, public_id=SET_ID, name="Matrix checks NAS", medium="network_storage",
        location="Matrix checks cupboard", device_key=fold("Matrix checks cupboard"))
    check = check_record(school=school, actor=None, backup_set=backup_set, checked_on=today,
                         outcome="succeeded",
                         evidence=SimpleUploadedFile("report.txt", b"Backup finished, 0 errors"))
    test = restore_record(school=school, actor=None, backup_set=backup_set, tested_on=today,
                          what_was_restored="Matrix files", outcome="worked")
    return {"continuity_check_id": str(check.public_id),
            "continuity_restore_id": str(test.public_id)}


URL_ARGUMENTS = {
    "continuity:check-evidence": lambda t: {"public_id": t.extra["continuity_check_id"]},
    "continuity:restore-detail": lambda t: {"public_id": t.extra["continuity_restore_id"]},
    "api:backup-check-detail": lambda t: {"check_id": t.extra["continuity_check_id"]},
    "api:restore-test-detail": lambda t: {"test_id": t.extra["continuity_restore_id"]},
}


def _today() -> str:
    return timezone.localdate().isoformat()


FORM_BODIES: dict[tuple[str, str], Any] = {
    ("continuity:check-create", "POST"): lambda t: {
        "backup_set": str(SET_ID), "checked_on": _today(), "outcome": "succeeded"},
    ("continuity:restore-create", "POST"): lambda t: {
        "backup_set": str(SET_ID), "tested_on": _today(), "what_was_restored": "Files",
        "outcome": "worked"},
}

SCHOOL_QUERY = {"api:backup-check-list", "api:backup-check-create", "api:backup-check-detail",
                "api:restore-test-list", "api:restore-test-create", "api:restore-test-detail"}

_CHECK = {"school": "oakfield", "backup_set": str(SET_ID), "checked_on": "2026-01-05",
          "outcome": "succeeded"}
_RESTORE = {"school": "oakfield", "backup_set": str(SET_ID), "tested_on": "2026-01-05",
            "what_was_restored": "Files", "outcome": "worked"}
API_BODIES = {
    ("api:backup-check-list", "POST"): _CHECK,
    ("api:backup-check-create", "POST"): _CHECK,
    ("api:restore-test-list", "POST"): _RESTORE,
    ("api:restore-test-create", "POST"): _RESTORE,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("continuity:check-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("continuity:check-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:check-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:check-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 200",
    ("continuity:check-evidence", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("continuity:check-evidence", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:restore-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("continuity:restore-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:restore-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:restore-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 200",
    ("continuity:restore-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("continuity:restore-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:log-export", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("continuity:log-export", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("api:backup-check-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-check-list", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:backup-check-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-check-create", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:backup-check-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-check-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:restore-test-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:restore-test-list", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:restore-test-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:restore-test-create", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:restore-test-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:restore-test-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
