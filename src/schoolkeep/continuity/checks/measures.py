"""Measures of backup checks and restore tests, for the overview's area "backups"
(``overview.types``):

- ``backup_checks.recent``: backup sets in use with a successful check within the school's
  window (Schoolkeep's own sets count their nightly runs), out of all its sets in use;
- ``restore_tests.this-term``: a restore test in the current term, 1 of 1 (or 0 of 1), for
  each school that has recorded a set of its own (or a restore test).

The duties ``backup_checks.missing`` and ``restore_tests.due`` follow up what is short.

ONE query for any number of schools, one row per school:

- a set counts as ``latest.last_success_by_set`` and ``rule321.counts`` say: a successful
  check on or after today less the school's window (``ContinuitySettings``, 30 days without
  a row), or, for Schoolkeep's own sets, a good nightly run (``backups.BackupRun``) on or
  after that day; days are compared as day numbers so that each school's window applies;
- the restore test needs no term resolved beforehand. A test covers its term and a holiday
  day belongs to the term that follows (``duties.cadence``), so a school has tested this term
  exactly when it has a test dated after the last day of the latest term that ended before
  today. That day is read in SQL as ``TermCalendar`` chooses each academic year's terms: the
  school's own dates for the year, else its trust's, else the default pattern (worked out
  here for the three academic years that can hold it, and passed as literals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate

from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks.status import window_subquery
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest
from schoolkeep.continuity.rule321 import DayNumber
from schoolkeep.duties.types import local_date
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import School, Term

RECENT = "backup_checks.recent"
THIS_TERM = "restore_tests.this-term"

NO_TERM_ENDED = date(1900, 1, 1)  # below every real day: SQLite's MAX() is NULL with a NULL


def _recent_sets(today: date) -> tuple[Coalesce, Coalesce]:
    """(sets in use, of those with a recent success) of the outer school, as SQL."""
    in_use = (BackupSet.objects.filter(school_id=OuterRef("pk"), retired_at__isnull=True)
              .order_by())
    since = DayNumber(Value(today)) - window_subquery()
    checked = (BackupCheck.objects.filter(backup_set_id=OuterRef("pk"),
                                          school_id=OuterRef("school_id"),
                                          outcome=BackupCheck.Outcome.SUCCEEDED,
                                          checked_on__isnull=False)
               .annotate(day=DayNumber(F("checked_on"))).filter(day__gte=OuterRef("since")))
    ran = (BackupRun.objects.filter(ok=True, finished_at__isnull=False)
           .annotate(day=DayNumber(TruncDate("finished_at", tzinfo=LONDON)))
           .filter(day__gte=OuterRef("since")))
    recent = (in_use.annotate(since=since)
              .filter(Q(Exists(checked)) | (~Q(install_copy="") & Q(Exists(ran)))))

    def counted(sets):  # type: ignore[no-untyped-def]
        return Coalesce(Subquery(sets.values("school_id").annotate(n=Count("pk")).values("n")),
                        Value(0), output_field=IntegerField())

    return counted(in_use), counted(recent)


def _last_term_end_before(today: date) -> Greatest:
    """The last day of the latest term of the outer school that ended before ``today``, as
    SQL (``NO_TERM_ENDED`` when none did)."""
    ends: list[Coalesce] = []
    for year in (today.year - 2, today.year - 1, today.year):
        own = Term.objects.filter(school_id=OuterRef("pk"), academic_year=year)
        shared = Term.objects.filter(school__isnull=True, academic_year=year,
                                     organisation_id=OuterRef("organisation_id"))
        default = max((end for _start, end in default_term_dates(year).values()
                       if end < today), default=None)

        def ended(terms):  # type: ignore[no-untyped-def]
            return Subquery(terms.filter(ends_on__lt=today).order_by("-ends_on")
                            .values("ends_on")[:1])

        chosen = Case(When(Exists(own), then=ended(own)),
                      When(Exists(shared), then=ended(shared)),
                      default=Value(default), output_field=DateField())
        ends.append(Coalesce(chosen, Value(NO_TERM_ENDED), output_field=DateField()))
    return Greatest(*ends, output_field=DateField())


def figures_by_school(school_ids: Sequence[int], *, today: date) -> Figures:
    """The two figures of every school asked that has something to count (one query)."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    total, recent = _recent_sets(today)
    # As the restore duty (``status.restore_dues``): asked only of a school with a set of its
    # own in use, and only tests of its own sets count (Schoolkeep's are the operator's).
    own_set = BackupSet.objects.filter(school_id=OuterRef("pk"), install_copy="",
                                       retired_at__isnull=True)
    tests = RestoreTest.objects.filter(school_id=OuterRef("pk"), backup_set__install_copy="")
    rows = (School.objects.filter(pk__in=ids)
            .annotate(total=total, recent=recent, term_ended=_last_term_end_before(today),
                      restores_due=Exists(own_set))
            .annotate(tested=Exists(tests.filter(tested_on__gt=OuterRef("term_ended"))))
            .filter(Q(total__gt=0) | Q(restores_due=True))
            .values_list("pk", "total", "recent", "restores_due", "tested"))
    result: Figures = {}
    for school_id, in_use, met, restores_due, tested in rows:
        found = result.setdefault(school_id, {})
        if in_use:
            found[RECENT] = (met, in_use)
        if restores_due:
            found[THIS_TERM] = (int(tested), 1)
    return result


class CheckMeasures:
    module = "backup_checks"
    label = "Backup checks and restore tests"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(RECENT, "backups", "Backups with a recent successful check",
                    "have a recent successful check", empty="No backup sets are recorded",
                    url_name="continuity:check-list", permission="continuity.view"),
        MeasureSpec(THIS_TERM, "backups", "A restore test this term",
                    "tested this term", empty="No backup sets are recorded",
                    url_name="continuity:restore-list", permission="continuity.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        return figures_by_school(school_ids, today=local_date(now))


provider = CheckMeasures()
