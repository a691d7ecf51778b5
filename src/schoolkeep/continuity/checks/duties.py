"""Duties of backup checks and restore tests, computed when read (rules in ``status.py``).

- ``backup_checks.missing``: a set recorded by the school whose last successful check is
  older than the school's window (or that was never checked, a week after it was recorded)
  no longer counts towards the 3-2-1 rule; the IT lead checks it. Schoolkeep's own sets are
  checked by the install every night and raise none.
- ``restore_tests.due``: no restore test this term; due on the term's last day.
- ``restore_tests.failed``: a set's latest restore test that failed or only partly worked
  has no later test that worked; due a fortnight after it. Both fall to the IT lead.

``counts`` reads one query per kind for any number of schools (the termly one also reads
the schools' term dates once); ``for_school`` the same for one school. Titles name no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse

from schoolkeep.continuity.checks.status import check_dues, failed_restores, restore_dues
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import (
    Duty,
    DutyCounts,
    is_before_horizon,
    local_date,
    status_for,
)
from schoolkeep.tenancy.roles import Role

CHECKS = "backup_checks"
MISSING = f"{CHECKS}.missing"
RESTORES = "restore_tests"
DUE = f"{RESTORES}.due"
FAILED = f"{RESTORES}.failed"


def _tally(school_statuses: list[tuple[int, str]]) -> dict[int, DutyCounts]:
    result: dict[int, DutyCounts] = {}
    for school_id, status in school_statuses:
        result[school_id] = result.get(school_id, DutyCounts()) + DutyCounts.of(status)
    return result


class BackupCheckDuties:
    module = CHECKS
    label = "Backup checks"
    view_permission = "continuity.view"
    kind_labels = {MISSING: "Backups without a recent successful check"}

    def _due(self, school_ids: Sequence[int], horizon: datetime):  # type: ignore[no-untyped-def]
        return [d for d in check_dues(school_ids) if is_before_horizon(d.due_on, horizon)]

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        return _tally([(d.school_id, status_for(d.due_on, now))
                       for d in self._due(school_ids, horizon)])

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        duties = []
        for d in self._due([school_id], horizon):
            when = (f"last checked successfully on {d.last_success:%d/%m/%Y}"
                    if d.last_success else "never checked")
            duties.append(Duty(
                key=f"{MISSING}:{d.public_id}", module=CHECKS,
                title="Check that a backup is working",
                subject=f"{d.name}: {when} (a check is needed every {d.window} days)",
                due_at=d.due_on, status=status_for(d.due_on, now),
                url=reverse("continuity:check-create") + f"?set={d.public_id}",
                permission="continuity.manage", owner_role=Role.IT_LEAD,
                oversight_url=reverse("continuity:check-list") + f"?backup_set={d.public_id}",
                oversight_permission="continuity.view",
                action="Record a backup check", order_at=d.created_at))
        return duties


class RestoreTestDuties:
    module = RESTORES
    label = "Restore tests"
    view_permission = "continuity.view"
    kind_labels = {DUE: "A restore test this term",
                   FAILED: "A failed restore test to try again"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        today = local_date(now)
        statuses = [(sid, status_for(due.due.on, now))
                    for sid, due in restore_dues(school_ids, today=today).items()
                    if is_before_horizon(due.due.on, horizon)]
        statuses += [(f.school_id, status_for(f.due_on, now))
                     for f in failed_restores(school_ids, before=local_date(horizon))]
        return _tally(statuses)

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today = local_date(now)
        duties = []
        due = restore_dues([school_id], today=today).get(school_id)
        if due is not None and is_before_horizon(due.due.on, horizon):
            label = f"{due.term.get_name_display()} {due.due.on.year}"
            done = (f"the last was on {due.last_tested:%d/%m/%Y}" if due.last_tested
                    else "none recorded yet")
            duties.append(Duty(
                key=f"{DUE}:{due.term.starts_on.isoformat()}", module=RESTORES,
                title="Test restoring data from a backup this term",
                subject=f"A restore test in the {label} term ({done})"
                        + (", on estimated term dates" if due.due.estimated else ""),
                due_at=due.due.on, status=status_for(due.due.on, now),
                url=reverse("continuity:restore-create"), permission="continuity.manage",
                owner_role=Role.IT_LEAD, oversight_url=reverse("continuity:restore-list"),
                oversight_permission="continuity.view", action="Record a restore test"))
        for f in failed_restores([school_id], before=local_date(horizon)):
            duties.append(Duty(
                key=f"{FAILED}:{f.set_public_id}", module=RESTORES,
                title="Try a restore again after a failed test",
                subject=f"{f.set_name}: a restore test on {f.failed_on:%d/%m/%Y} did not fully "
                        "work",
                due_at=f.due_on, status=status_for(f.due_on, now),
                url=reverse("continuity:restore-create") + f"?set={f.set_public_id}",
                permission="continuity.manage", owner_role=Role.IT_LEAD,
                oversight_url=reverse("continuity:restore-list")
                + f"?backup_set={f.set_public_id}",
                oversight_permission="continuity.view", action="Record a restore test"))
        return duties


check_provider = BackupCheckDuties()
restore_provider = RestoreTestDuties()


def register() -> None:
    register_provider(check_provider)
    register_provider(restore_provider)

