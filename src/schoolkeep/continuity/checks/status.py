"""Where each school stands with its checks and restore tests: what the duties, the measures
and the pages read.

- A set recorded by the school needs a successful check within the school's window
  (``ContinuitySettings.check_window_days``, 30 days by default): its check is due on the
  day of its last successful check plus the window. A set never checked is due a week after
  it was recorded. Schoolkeep's own sets are checked by the install every night and are
  left out.
- A restore test is due once a term (``duties.cadence`` TERMLY): on the last day of the
  term, and a test in a term covers that term (a test in the holidays counts for the term
  that follows). It is asked of a school only while it has a set of its own in use (not
  retired), and counts from the day the school recorded its first set (or its first test,
  if earlier). Any test of one of the school's own sets counts, whatever its outcome: a
  failed one is followed up as its own duty. Tests of Schoolkeep's own sets (recorded
  before they were refused) do not count: restoring those is for the people who run
  Schoolkeep.
- A set's latest restore test that failed or only partly worked stays open until a test of
  that set works, and is due a fortnight after it: data that came back only in part is not
  a working backup.

Every function reads a fixed number of queries whatever the number of schools and sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from schoolkeep.continuity.models import BackupCheck, BackupSet, ContinuitySettings, RestoreTest
from schoolkeep.duties.cadence import TERMLY, DueDate, calendars_for, next_due, years_around
from schoolkeep.tenancy.models import School, Term

# The earliest day the termly calculation reads: the services refuse days before it, and a
# row stored before that rule (or written straight to the database) is read as this day.
EARLIEST_DAY = date(2000, 1, 1)
DEFAULT_WINDOW = 30
NEVER_CHECKED_GRACE = timedelta(days=7)
RETEST_WITHIN = timedelta(days=14)
NOT_WORKING = [RestoreTest.Outcome.FAILED, RestoreTest.Outcome.PARTLY]


def window_subquery() -> Coalesce:
    """The school's check window in days, as SQL (the default without a settings row)."""
    return Coalesce(Subquery(ContinuitySettings.objects.filter(school_id=OuterRef("school_id"))
                             .values("check_window_days")[:1]),
                    Value(DEFAULT_WINDOW), output_field=IntegerField())


def windows(school_ids: Sequence[int]) -> dict[int, int]:
    """{school id: its check window in days} for every school asked (one query)."""
    found = dict(ContinuitySettings.objects.filter(school_id__in=list(school_ids))
                 .values_list("school_id", "check_window_days"))
    return {sid: found.get(sid, DEFAULT_WINDOW) for sid in school_ids}


@dataclass(frozen=True)
class SetCheckDue:
    """A set recorded by the school and the day its next successful check is due."""

    set_id: int
    public_id: object
    school_id: int
    name: str
    last_success: date | None
    window: int
    due_on: date
    created_at: datetime


def check_dues(school_ids: Sequence[int]) -> list[SetCheckDue]:
    """Every unretired set recorded by these schools with the day its check is due, soonest
    first (one query)."""
    ids = list(school_ids)
    if not ids:
        return []
    last = (BackupCheck.objects.filter(backup_set_id=OuterRef("pk"),
                                       outcome=BackupCheck.Outcome.SUCCEEDED)
            .order_by("-checked_on").values("checked_on")[:1])
    rows = (BackupSet.objects.filter(school_id__in=ids, retired_at__isnull=True, install_copy="")
            .annotate(last=Subquery(last), window=window_subquery())
            .values_list("pk", "public_id", "school_id", "name", "last", "window",
                         "created_at"))
    result = []
    for pk, public_id, school_id, name, last_day, window, created in rows:
        if isinstance(last_day, str):  # SQLite hands a subquery's date back as text
            last_day = date.fromisoformat(last_day)
        due = (last_day + timedelta(days=window) if last_day is not None
               else timezone.localdate(created) + NEVER_CHECKED_GRACE)
        result.append(SetCheckDue(pk, public_id, school_id, name, last_day, window, due,
                                  created))
    return sorted(result, key=lambda d: (d.due_on, d.name, d.set_id))


@dataclass(frozen=True)
class RestoreDue:
    """A school's termly restore test: the last one, the day the next is due and its term."""

    school_id: int
    last_tested: date | None
    due: DueDate
    term: Term  # the term the next test is due in

    current_term_end: date  # the last day of the term today is in

    @property
    def tested_this_term(self) -> bool:
        """True when a test was done in the current term (so the next is due next term)."""
        return self.due.on > self.current_term_end


def restore_dues(school_ids: Sequence[int], *, today: date) -> dict[int, RestoreDue]:
    """{school id: its next restore test} for the schools with a set of their own in use
    (one aggregate query, then the term dates: ``calendars_for``)."""
    ids = list(school_ids)
    if not ids:
        return {}
    own_sets = BackupSet.objects.filter(school_id=OuterRef("pk"), install_copy="")
    first_set = (own_sets
                 .order_by("created_at").values("created_at")[:1])
    tests = RestoreTest.objects.filter(school_id=OuterRef("pk"),
                                       backup_set__install_copy="").order_by()
    first_test = tests.order_by("tested_on").values("tested_on")[:1]
    last_test = tests.order_by("-tested_on").values("tested_on")[:1]
    schools = list(School.objects.filter(pk__in=ids)
                   .annotate(first_set=Subquery(first_set), first_test=Subquery(first_test),
                             last_test=Subquery(last_test))
                   .filter(Exists(own_sets.filter(retired_at__isnull=True))))
    if not schools:
        return {}

    def as_day(value: object) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return timezone.localdate(value)
        if isinstance(value, str):
            return (timezone.localdate(datetime.fromisoformat(value)) if " " in value
                    or "T" in value else date.fromisoformat(value))
        assert isinstance(value, date)
        return value

    starts: dict[int, date] = {}
    lasts: dict[int, date | None] = {}
    for school in schools:
        days = [d for d in (as_day(school.first_set),  # type: ignore[attr-defined]
                            as_day(school.first_test)) if d is not None]  # type: ignore[attr-defined]
        starts[school.pk] = max(min(days), EARLIEST_DAY)
        last = as_day(school.last_test)  # type: ignore[attr-defined]
        lasts[school.pk] = None if last is None else max(last, EARLIEST_DAY)
    calendars = calendars_for(schools, years_around(
        [today, *starts.values(), *(d for d in lasts.values() if d is not None)]))
    result = {}
    for school in schools:
        calendar = calendars[school.pk]
        due = next_due(TERMLY, None, last_done=lasts[school.pk], starts_on=starts[school.pk],
                       calendar=calendar)
        assert due is not None
        result[school.pk] = RestoreDue(
            school_id=school.pk, last_tested=lasts[school.pk], due=due,
            term=calendar.term_for_date(due.on),
            current_term_end=calendar.term_for_date(today).ends_on)
    return result


@dataclass(frozen=True)
class FailedRestore:
    """A set whose latest restore test that did not fully work (failed or partly) has no
    later test that worked."""

    set_id: int
    set_public_id: object
    set_name: str
    school_id: int
    failed_on: date
    due_on: date


def failed_restores(school_ids: Sequence[int], *, before: date | None = None
                    ) -> list[FailedRestore]:
    """The sets (not retired) of these schools with a restore test that failed or only
    partly worked, not yet followed by one that worked; only those due before ``before``
    when given (one query)."""
    ids = list(school_ids)
    if not ids:
        return []
    rows = (RestoreTest.objects.filter(school_id__in=ids, backup_set__retired_at__isnull=True,
                                       backup_set__install_copy="")
            .order_by().values("backup_set_id", "school_id", "backup_set__name",
                                "backup_set__public_id")
            .annotate(failed=Max("tested_on", filter=Q(outcome__in=NOT_WORKING)),
                      worked=Max("tested_on", filter=Q(outcome=RestoreTest.Outcome.WORKED)))
            .filter(failed__isnull=False)
            .filter(Q(worked__isnull=True) | Q(worked__lt=F("failed"))))
    if before is not None:
        rows = rows.filter(failed__lt=before - RETEST_WITHIN)
    result = [FailedRestore(row["backup_set_id"], row["backup_set__public_id"],
                            row["backup_set__name"], row["school_id"], row["failed"],
                            row["failed"] + RETEST_WITHIN) for row in rows]
    return sorted(result, key=lambda f: (f.failed_on, f.set_name, f.set_id))
