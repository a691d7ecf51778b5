"""Writes of backup checks and restore tests: record a check (with the backup software's
report as evidence, if there is one), open that evidence, record a restore test. Pages, the
API and the demo call these functions; each checks that the acting member may manage
continuity, runs in one transaction and is audited.

The rules:

- a check or a test belongs to one of the school's sets that is not retired;
- no one records checks on Schoolkeep's own sets: the install's nightly runs are their checks;
  nor restore tests: the people who run Schoolkeep test restoring them;
- a day is never in the future, nor before 1 January 2000 (``EARLIEST_DAY``: a slip of
  the keyboard, and the term dates go back no further);
- a failed check says what was done about it, a failed restore test what went wrong;
- evidence is a PDF, a PNG or JPEG image, or plain text (UTF-8, not a web page or script),
  at most 5 MB, checked by its content and kept outside the web root.

Nothing is changed or deleted afterwards: the checks and tests are a log.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.continuity.checks.status import EARLIEST_DAY
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.text import tidy
from schoolkeep.lib.values import as_date
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School

ACTION_CHECK = "continuity.check.recorded"
ACTION_EVIDENCE = "continuity.check.evidence_opened"
ACTION_RESTORE = "continuity.restore_test.recorded"
ACTION_LABELS = {
    ACTION_CHECK: "Backup check recorded",
    ACTION_EVIDENCE: "Backup check's evidence opened",
    ACTION_RESTORE: "Restore test recorded",
}

EVIDENCE_FOLDER = "continuity-evidence"
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
TEXT = "text/plain"
EVIDENCE_EXTENSIONS = {uploads.PDF: ".pdf", uploads.PNG: ".png", uploads.JPEG: ".jpg",
                       TEXT: ".txt"}
EVIDENCE_TYPES = {suffix: kind for kind, suffix in EVIDENCE_EXTENSIONS.items()}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
EVIDENCE_REFUSED = ("The report must be a PDF, a PNG or JPEG image, or plain text (such as "
                    "the backup software's log saved as .txt).")


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="continuity.manage",
                       message="You may not record this school's backup checks or restore "
                               "tests.")


def _text(name: str, value: Any, limit: int, *, line: bool = True) -> str:
    text = tidy(str(value or "")) if line else str(value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DomainError(f"Keep this to {limit} characters.", field=name)
    return text


def _day(name: str, value: Any, what: str) -> date:
    day = as_date(name, value)
    if day is None:
        raise DomainError(f"Enter the day {what}.", field=name)
    if day > timezone.localdate():
        raise DomainError("The day cannot be in the future.", field=name)
    if day < EARLIEST_DAY:
        raise DomainError("The day must be on or after 1 January 2000.", field=name)
    return day


def _usable_set(school: School | int, backup_set: Any) -> BackupSet:
    school_id = school if isinstance(school, int) else school.pk
    if not isinstance(backup_set, BackupSet) or backup_set.school_id != school_id:
        raise DomainError("Choose one of this school's backup sets.", field="backup_set")
    if backup_set.retired_at is not None:
        raise DomainError(f"{backup_set.name} is retired: record checks and tests of the sets "
                          "still in use.", field="backup_set")
    return backup_set


def evidence_type(data: bytes, *, name: str = "") -> str:
    """The content type of a check's evidence, from its content; a DomainError on
    ``evidence`` when it is none of those allowed."""
    if not data:
        raise DomainError("The file is empty.", field="evidence")
    sniffed = uploads.sniff(data[:uploads.SNIFF_BYTES])
    if sniffed is not None:
        return sniffed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(EVIDENCE_REFUSED, field="evidence") from None
    if _CONTROL.search(text) or uploads.is_active_content(data, name=name):
        raise DomainError(EVIDENCE_REFUSED, field="evidence")
    return TEXT


def _read_evidence(uploaded_file: Any) -> bytes:
    too_big = "The file must be smaller than 5 MB."
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > EVIDENCE_MAX_BYTES:
        raise DomainError(too_big, field="evidence")
    uploaded_file.seek(0)
    data = uploaded_file.read(EVIDENCE_MAX_BYTES + 1)
    if len(data) > EVIDENCE_MAX_BYTES:
        raise DomainError(too_big, field="evidence")
    return bytes(data)


def check_record(*, school: School, actor: Any, backup_set: Any, checked_on: Any,
                 outcome: str, action_taken: str = "", evidence: Any = None) -> BackupCheck:
    """Record that a backup of ``backup_set`` ran on ``checked_on`` and whether it worked."""
    backup_set = _usable_set(school, backup_set)
    if backup_set.is_install_copy:
        raise DomainError("Schoolkeep checks its own backups every night: its runs are listed "
                          "here without anyone recording them.", field="backup_set")
    day = _day("checked_on", checked_on, "the backup was checked")
    if outcome not in BackupCheck.Outcome.values:
        raise DomainError("Choose whether the backup succeeded or failed.", field="outcome")
    action = _text("action_taken", action_taken, 5000, line=False)
    if outcome == BackupCheck.Outcome.FAILED and not action:
        raise DomainError("Say what was done about the failed backup, such as \"ran it again "
                          "by hand\" or \"reported to IT support\".", field="action_taken")
    data, original, suffix = b"", "", ""
    if evidence is not None:
        data = _read_evidence(evidence)
        original = uploads.original_name(evidence, fallback="backup report")
        suffix = EVIDENCE_EXTENSIONS[evidence_type(data, name=original)]
    with uploads.stored_until_failure() as files, transaction.atomic():
        _require_manager(school, actor)
        check = BackupCheck(school=school, backup_set=backup_set, checked_on=day,
                            outcome=outcome, action_taken=action,
                            recorded_by_label=actor_label(actor))
        if data:
            check.evidence_stored_name = files.store(data, folder=EVIDENCE_FOLDER,
                                                     suffix=suffix).name
            check.evidence_original_name = original
            check.evidence_size = len(data)
        check.save()
        audit_record(action=ACTION_CHECK, school=school, actor=actor, target=check,
                     target_label=str(check), changes={
                         "set": backup_set.name, "checked_on": day.isoformat(),
                         "outcome": outcome, "action_taken": action,
                         "evidence": original})
    return check


def evidence_content_type(check: BackupCheck) -> str:
    suffix = "." + check.evidence_stored_name.rsplit(".", 1)[-1]
    return EVIDENCE_TYPES.get(suffix, "application/octet-stream")


def evidence_open(*, check: BackupCheck, actor: Any) -> BinaryIO:
    """Open a check's evidence for reading, and audit who opened it (it may name people)."""
    if not check.evidence_stored_name:
        raise DomainError("This check has no report attached.")
    path = uploads.uploads_dir(EVIDENCE_FOLDER) / check.evidence_stored_name
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DomainError("The report of this check is missing.") from None
    with transaction.atomic():
        audit_record(action=ACTION_EVIDENCE, school=check.school_id, actor=actor,
                     target=check, target_label=str(check),
                     changes={"evidence": check.evidence_original_name})
    return handle


def restore_record(*, school: School, actor: Any, backup_set: Any, tested_on: Any,
                   what_was_restored: str, outcome: str, scope: Any = None,
                   minutes_taken: Any = None, notes: str = "") -> RestoreTest:
    """Record a test that data came back from ``backup_set`` (for ``scope``, if given)."""
    backup_set = _usable_set(school, backup_set)
    if backup_set.is_install_copy:
        raise DomainError("The people who run Schoolkeep test restoring its own backups: "
                          "record a test of one of the school's own sets.",
                          field="backup_set")
    if scope is not None and (not isinstance(scope, Scope) or scope.school_id != school.pk
                              or scope.archived_at is not None):
        raise DomainError("Choose one of this school's scopes, or none.", field="scope")
    day = _day("tested_on", tested_on, "of the test")
    what = _text("what_was_restored", what_was_restored, 300)
    if not what:
        raise DomainError("Say what was restored, such as \"the finance folder from last "
                          "week's backup\".", field="what_was_restored")
    if outcome not in RestoreTest.Outcome.values:
        raise DomainError("Choose whether it worked.", field="outcome")
    minutes: int | None = None
    if minutes_taken not in (None, ""):
        try:
            minutes = int(minutes_taken)
        except (TypeError, ValueError):
            raise DomainError("Enter the minutes as a whole number.",
                              field="minutes_taken") from None
        if not 0 <= minutes <= 100_000:
            raise DomainError("Enter a number of minutes from 0 to 100,000.",
                              field="minutes_taken")
    text = _text("notes", notes, 5000, line=False)
    if outcome != RestoreTest.Outcome.WORKED and not text:
        raise DomainError("Say what went wrong and what will be done about it.",
                          field="notes")
    with transaction.atomic():
        _require_manager(school, actor)
        test = RestoreTest.objects.create(
            school=school, backup_set=backup_set, scope=scope, tested_on=day,
            what_was_restored=what, minutes_taken=minutes, outcome=outcome, notes=text,
            recorded_by_label=actor_label(actor))
        audit_record(action=ACTION_RESTORE, school=school, actor=actor, target=test,
                     target_label=str(test), changes={
                         "set": backup_set.name, "scope": scope.name if scope else "",
                         "tested_on": day.isoformat(), "what_was_restored": what,
                         "minutes_taken": minutes, "outcome": outcome, "notes": text})
    return test
