"""Reads of backup checks and restore tests: the school's sets to choose from, the log of
checks (with Schoolkeep's nightly runs standing in for the checks of its own sets), the
restore tests, and one check or test for its page. Lists are a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from schoolkeep.backups.models import BackupRun
from schoolkeep.backups.selectors import run_reason
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
from schoolkeep.tenancy.selectors import get_for_school_or_404

INSTALL_RUNS_SHOWN = 14  # the last fortnight of nightly runs
# A path still in a message after run_reason (a folder it does not know): Unix, Windows
# or a network share. Schools see the reason, never where things are on the server.
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:\\|\\\\|/)[^\s:;,'\"]+")


def sets_in_use(school: Any, *, recorded_by_school: bool = False) -> list[BackupSet]:
    """The school's sets not retired, by name; only those the school records with
    ``recorded_by_school`` (one query)."""
    sets = BackupSet.objects.filter(school=school, retired_at__isnull=True)
    if recorded_by_school:
        sets = sets.filter(install_copy="")
    return list(sets.order_by("name", "id"))


def scopes_in_use(school: Any) -> list[Scope]:
    return list(Scope.objects.filter(school=school, archived_at__isnull=True)
                .order_by("name_key", "id"))


def find_set(school: Any, public_id: Any) -> BackupSet | None:
    """One of the school's sets by its id (text or UUID); None when it is not one."""
    try:
        wanted = UUID(str(public_id))
    except ValueError:
        return None
    return BackupSet.objects.filter(school=school, public_id=wanted).first()


def check_list(*, school: Any, backup_set: BackupSet | None = None,
               outcome: str = "") -> QuerySet[BackupCheck]:
    """The school's checks with their sets, latest first."""
    checks = BackupCheck.objects.filter(school=school).select_related("backup_set")
    if backup_set is not None:
        checks = checks.filter(backup_set=backup_set)
    if outcome:
        checks = checks.filter(outcome=outcome)
    return checks.order_by("-checked_on", "-id")


@dataclass(frozen=True)
class InstallRun:
    """One of Schoolkeep's nightly runs, shown as a check of its own sets."""

    day: date
    succeeded: bool
    message: str


def install_runs(limit: int = INSTALL_RUNS_SHOWN) -> list[InstallRun]:
    """The install's latest finished nightly runs, latest first (one query). A run is good
    only when its archive was verified (and copied, when a copy folder is set up)."""
    rows = (BackupRun.objects.filter(finished_at__isnull=False).order_by("-finished_at")
            .values_list("finished_at", "ok", "message")[:limit])
    return [InstallRun(timezone.localdate(finished), ok, "" if ok else plain_reason(message))
            for finished, ok, message in rows]


def plain_reason(message: str) -> str:
    """A failed run's reason as a school may see it: the folders the backups page names in
    words (``backups.selectors.run_reason``), and any other path on the server left out."""
    words = _PATH.sub("a folder on Schoolkeep's server", run_reason(message or "")).strip()
    return words or "The nightly backup failed."


def check_for_page(*, school: Any, public_id: UUID | str) -> BackupCheck:
    return get_for_school_or_404(BackupCheck.objects.select_related("backup_set"),
                                 school=school, public_id=public_id)


def restore_list(*, school: Any, backup_set: BackupSet | None = None,
                 outcome: str = "") -> QuerySet[RestoreTest]:
    """The school's restore tests with their sets and scopes, latest first."""
    tests = RestoreTest.objects.filter(school=school).select_related("backup_set", "scope")
    if backup_set is not None:
        tests = tests.filter(backup_set=backup_set)
    if outcome:
        tests = tests.filter(outcome=outcome)
    return tests.order_by("-tested_on", "-id")


def restore_for_page(*, school: Any, public_id: UUID | str) -> RestoreTest:
    return get_for_school_or_404(RestoreTest.objects.select_related("backup_set", "scope"),
                                 school=school, public_id=public_id)
