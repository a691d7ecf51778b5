"""The 3-2-1 rule for each scope, evaluated from its backup sets whenever it is read.

A scope meets the rule when its backups are kept on at least three separate devices, at
least one off site and at least one offline (the DfE asks the offline
copy as well). Only a set that counts is counted: not retired, and with a successful check
within the school's check window (``ContinuitySettings.check_window_days``, 30 days unless the
school chose otherwise). Sets kept in the same place (the same ``device_key``) are one device
and count once. Nothing is stored: the verdict is worked out here, in plain words.

``evaluate`` runs the same few queries whatever the number of schools, scopes and sets and
gives each scope its reasons; ``counts`` (the overview's figure) works the same rule out in ONE
SQL query, days compared as day numbers (``DayNumber``) so that each school's own window
applies. The tests hold the two to the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks.latest import last_success_by_set
from schoolkeep.continuity.models import BackupCheck, BackupSet, ContinuitySettings, Scope
from schoolkeep.lib.dates_text import LONDON

COPIES_NEEDED = 3
DEFAULT_WINDOW_DAYS = 30


@dataclass
class Verdict:
    """Whether one scope meets the rule, and if not, why (each reason one plain sentence)."""

    met: bool
    reasons: list[str] = field(default_factory=list)
    copies: int = 0  # separate devices holding a counted copy
    off_site: int = 0  # of those, off site
    offline: int = 0  # of those, offline
    unchecked: list[str] = field(default_factory=list)  # sets not counted for want of a check


def window_days(school_ids: Sequence[int]) -> dict[int, int]:
    """{school id: its check window in days}; a school without settings has the default."""
    chosen = dict(ContinuitySettings.objects.filter(school_id__in=list(school_ids))
                  .values_list("school_id", "check_window_days"))
    return {school_id: chosen.get(school_id, DEFAULT_WINDOW_DAYS) for school_id in school_ids}


def judge(sets: list[BackupSet], *, last_success: dict[int, date], today: date,
          window: int) -> Verdict:
    """The verdict for one scope protected by ``sets`` (retired ones are left out here)."""
    since = today - timedelta(days=window)
    reasons: list[str] = []
    unchecked: list[str] = []
    devices: dict[str, tuple[bool, bool]] = {}
    for backup_set in sorted(sets, key=lambda item: (item.name.lower(), item.pk)):
        if backup_set.retired_at is not None:
            continue
        last = last_success.get(backup_set.pk)
        if last is None or last < since:
            reasons.append(f"{backup_set.name}: no successful check in {window} days")
            unchecked.append(backup_set.name)
            continue
        was_off_site, was_offline = devices.get(backup_set.device_key, (False, False))
        devices[backup_set.device_key] = (was_off_site or backup_set.off_site,
                                          was_offline or backup_set.offline)
    copies = len(devices)
    off_site = sum(1 for flags in devices.values() if flags[0])
    offline = sum(1 for flags in devices.values() if flags[1])
    shortfalls: list[str] = []
    # Copies are counted by device, so three copies are always on two devices or more.
    if copies == 0:
        shortfalls.append(f"no copy counts yet ({COPIES_NEEDED} on separate devices are needed)")
    elif copies == 1:
        shortfalls.append(f"only 1 copy counts ({COPIES_NEEDED} on separate devices are needed)")
    elif copies < COPIES_NEEDED:
        shortfalls.append(f"only {copies} copies on separate devices "
                          f"({COPIES_NEEDED} are needed)")
    if copies and not off_site:
        shortfalls.append("no copy is off site")
    if copies and not offline:
        shortfalls.append("no offline copy")
    met = not shortfalls
    return Verdict(met=met, reasons=shortfalls + reasons if not met else reasons,
                   copies=copies, off_site=off_site, offline=offline, unchecked=unchecked)


def _evaluate(ids: list[int], today: date) -> list[tuple[int, int, Verdict]]:
    windows = window_days(ids)
    scopes = list(Scope.objects.filter(school_id__in=ids, archived_at__isnull=True)
                  .order_by().values_list("pk", "school_id"))
    links = (BackupSet.scopes.through.objects
             .filter(scope__school_id__in=ids, scope__archived_at__isnull=True,
                     backupset__retired_at__isnull=True)
             .select_related("backupset"))
    by_scope: dict[int, list[BackupSet]] = defaultdict(list)
    for link in links:
        by_scope[link.scope_id].append(link.backupset)
    last_success = last_success_by_set(ids)
    return [(scope_id, school_id,
             judge(by_scope.get(scope_id, []), last_success=last_success, today=today,
                   window=windows[school_id]))
            for scope_id, school_id in scopes]


def evaluate(school_ids: Sequence[int], *, today: date) -> dict[int, Verdict]:
    """{scope id: its verdict} for every scope of these schools that is not archived."""
    ids = list(school_ids)
    if not ids:
        return {}
    return {scope_id: verdict for scope_id, _school_id, verdict in _evaluate(ids, today)}


class DayNumber(Func):
    """A date as a whole number of days (the same scale for every date on one database), so
    that "within N days" is a subtraction of integers on SQLite and PostgreSQL alike."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="CAST(julianday(%(expressions)s) AS INTEGER)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="((%(expressions)s)::date - DATE '2000-01-01')", **extra)


def _counted_links(today: date) -> QuerySet[Any]:
    """The links (scope, set) of sets in use that count: a successful check within the
    window of the set's school, or, for Schoolkeep's own sets, a good nightly run within it."""
    window = Coalesce(Subquery(ContinuitySettings.objects.filter(
        school_id=OuterRef("backupset__school_id")).values("check_window_days")[:1]),
        Value(DEFAULT_WINDOW_DAYS))
    since = DayNumber(Value(today)) - window
    checked = BackupCheck.objects.filter(
        backup_set_id=OuterRef("backupset_id"), outcome=BackupCheck.Outcome.SUCCEEDED,
        checked_on__isnull=False).annotate(day=DayNumber(F("checked_on"))).filter(
        day__gte=OuterRef("since"))
    ran = BackupRun.objects.filter(ok=True, finished_at__isnull=False).annotate(
        day=DayNumber(TruncDate("finished_at", tzinfo=LONDON))).filter(
        day__gte=OuterRef("since"))
    return (BackupSet.scopes.through.objects
            .filter(scope_id=OuterRef("pk"), backupset__retired_at__isnull=True)
            .annotate(since=since)
            .filter(Exists(checked) | (~Q(backupset__install_copy="") & Exists(ran))))


def _devices(links: QuerySet[Any], **flags: bool) -> Coalesce:
    counted = (links.filter(**{f"backupset__{name}": value for name, value in flags.items()})
               .order_by().values("scope_id")
               .annotate(n=Count("backupset__device_key", distinct=True)).values("n"))
    return Coalesce(Subquery(counted), Value(0))


# A scope annotated by ``scopes_with_copies`` meets the rule when this holds.
MET = Q(copies__gte=COPIES_NEEDED, off_site_copies__gte=1, offline_copies__gte=1)


def scopes_with_copies(school_ids: Sequence[int], *, today: date) -> QuerySet[Scope]:
    """The scopes in use of these schools annotated, in SQL, with their counted devices:
    ``copies``, ``off_site_copies`` and ``offline_copies`` (filter with ``MET``)."""
    links = _counted_links(today)
    return (Scope.objects.filter(school_id__in=list(school_ids), archived_at__isnull=True)
            .annotate(copies=_devices(links), off_site_copies=_devices(links, off_site=True),
                      offline_copies=_devices(links, offline=True)))


def counts(school_ids: Sequence[int], *, today: date) -> dict[int, tuple[int, int]]:
    """{school id: (met, total)} for the schools that have scopes: ``met`` the number of
    scopes meeting the rule, ``total`` the number of scopes. ONE query."""
    ids = list(school_ids)
    if not ids:
        return {}
    rows = (scopes_with_copies(ids, today=today).order_by().values("school_id")
            .annotate(met=Count("pk", filter=MET), total=Count("pk"))
            .values_list("school_id", "met", "total"))
    return {school_id: (met, total) for school_id, met, total in rows}
