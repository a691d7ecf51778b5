"""The backup's duty, for the IT lead of every school (the duties layer falls back to the
SIRO): the installation's backup holds every school's records, so each school sees it.

One duty at most, overdue from the moment it arises:

- "The nightly backup failed": the latest finished run failed (its reason is the subject);
- "No backup in the last 36 hours": no good backup finished in the last 36 hours, and the
  school has been on this installation for longer than that (a new school waits one night).

``counts`` and ``for_school`` read the same single query (the schools annotated with the
latest run and the last good one) and the same rule (``_arises``), so they always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet, Subquery
from django.urls import reverse

from schoolkeep.backups.models import BackupRun
from schoolkeep.backups.selectors import run_reason
from schoolkeep.duties import compiled, registry
from schoolkeep.duties.types import OVERDUE, Duty, DutyCounts
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

MODULE = "backups"
MISSING_AFTER = timedelta(hours=36)
FAILED_TITLE = "The nightly backup failed"
MISSING_TITLE = "No backup in the last 36 hours"
FAILED, MISSING = "failed", "missing"  # the two duties, as _arises names them


_COLUMNS = ("pk", "created_at", "latest_ok", "latest_at", "latest_message", "last_good_at")


def _school_rows(school_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Each school's row: when it joined, and the installation's latest run and last good
    one. Its SQL is compiled once per schools and kept (``duties.compiled``): it compares
    with no date or instant."""
    ids = list(school_ids)

    def build() -> QuerySet[Any]:
        latest = (BackupRun.objects.filter(finished_at__isnull=False)
                  .order_by("-finished_at", "-pk"))
        last_good = (BackupRun.objects.filter(ok=True).order_by("-finished_at")
                     .values("finished_at"))
        return (School.objects.filter(pk__in=ids).order_by()
                .annotate(latest_ok=Subquery(latest.values("ok")[:1]),
                          latest_at=Subquery(latest.values("finished_at")[:1]),
                          latest_message=Subquery(latest.values("message")[:1]),
                          last_good_at=Subquery(last_good[:1]))
                .values_list(*_COLUMNS))

    return [dict(zip(_COLUMNS, row, strict=True))
            for row in compiled.rows((MODULE, "schools", tuple(ids)), build)]


def _arises(row: dict[str, Any], now: datetime) -> str | None:
    """Which duty a school's row raises now: ``FAILED``, ``MISSING`` or none."""
    if row["latest_ok"] is False:
        return FAILED
    since = row["last_good_at"] or row["created_at"]
    return MISSING if since + MISSING_AFTER < now else None


def _duty(row: dict[str, Any], now: datetime) -> Duty | None:
    kind = _arises(row, now)
    if kind is None:
        return None
    common: dict[str, Any] = {"module": MODULE, "status": OVERDUE,
                              "url": reverse("backups:backup-list"), "permission": "systems.view",
                              "owner_role": Role.IT_LEAD}
    if kind == FAILED:
        return Duty(key=f"{MODULE}.failed:{row['pk']}", title=FAILED_TITLE,
                    subject=run_reason(row["latest_message"]) or "The reason was not recorded.",
                    due_at=row["latest_at"],
                    action="Fix the cause on the server, then check the next night's backup",
                    **common)
    since = row["last_good_at"] or row["created_at"]
    return Duty(key=f"{MODULE}.missing:{row['pk']}", title=MISSING_TITLE,
                subject="Check that Schoolkeep's worker is running and can write backups.",
                due_at=since + MISSING_AFTER,
                action="Check the worker and the backups folder on the server", **common)


class BackupDuties:
    module = MODULE
    label = "Backups"
    kind_labels = {f"{MODULE}.{FAILED}": "The last nightly backup failed",
                   f"{MODULE}.{MISSING}": "No recent backup"}
    # Backups are the IT lead's business: others see them with the systems register.
    view_permission = "systems.view"

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        if not school_ids:
            return {}
        # Only whether a duty arises: no Duty (nor its URL) built per school just to count.
        return {row["pk"]: DutyCounts(overdue=1) for row in _school_rows(school_ids)
                if _arises(row, now) is not None}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        duty = next((_duty(row, now) for row in _school_rows([school_id])), None)
        return [duty] if duty is not None else []


def register() -> None:
    registry.register(BackupDuties())
