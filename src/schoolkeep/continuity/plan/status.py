"""Where each school's recovery plan stands, for the duties, the measure and the pages: does
it have a plan (written or uploaded), when its earliest unarchived scope was recorded (the
school has started on its backups and recovery), and when the plan was last tested.

ONE query whatever the number of schools. A plan is tested once a year (the DfE's standard):
the next test is due a year after the last (``duties.cadence``, YEARLY: 29 February falls on
28 February in other years). A plan never tested is due from the day the school recorded its
first scope: the day it started on its backups and recovery, the same day the "missing" duty
counts from, so writing the plan late does not reset the clock, and a plan never tested
becomes overdue. (The plan itself has no date it was first written: ``updated_at`` moves with
every edit.) With no scope recorded yet it is due today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import DateField, DateTimeField, Exists, Max, Min, OuterRef, Q, Subquery

from schoolkeep.continuity.models import PlanTest, RecoveryPlan, Scope
from schoolkeep.duties.cadence import YEARLY, next_due
from schoolkeep.duties.types import local_date
from schoolkeep.tenancy.models import School


@dataclass(frozen=True)
class PlanStatus:
    has_plan: bool  # written in Schoolkeep or uploaded
    first_scope_at: datetime | None  # the earliest unarchived scope's creation
    last_tested_on: date | None

    def next_test_due(self, today: date) -> date:
        """A year after the last test; for a plan never tested, the day of the first scope
        (today when there is none)."""
        if self.last_tested_on is None:
            return local_date(self.first_scope_at) if self.first_scope_at else today
        due = next_due(YEARLY, None, last_done=self.last_tested_on,
                       starts_on=self.last_tested_on, calendar=None)
        assert due is not None  # a yearly cadence always has a date
        return due.on

    def tested_within_year(self, today: date) -> bool:
        return self.last_tested_on is not None and self.next_test_due(today) > today

    @property
    def missing_since(self) -> date | None:
        """The day the plan was first needed and missing: when the school recorded its first
        scope, while it has no plan; None otherwise."""
        if self.has_plan or self.first_scope_at is None:
            return None
        return local_date(self.first_scope_at)


def statuses(school_ids: Sequence[int]) -> dict[int, PlanStatus]:
    """{school id: PlanStatus} for these schools, in one query."""
    ids = list(school_ids)
    if not ids:
        return {}
    has_plan = Exists(RecoveryPlan.objects.filter(school=OuterRef("pk")).filter(
        ~Q(text="") | ~Q(document_stored_name="")))
    first_scope = Subquery(
        Scope.objects.filter(school=OuterRef("pk"), archived_at__isnull=True).order_by()
        .values("school").annotate(first=Min("created_at")).values("first"),
        output_field=DateTimeField())
    last_test = Subquery(
        PlanTest.objects.filter(school=OuterRef("pk")).order_by().values("school")
        .annotate(last=Max("tested_on")).values("last"), output_field=DateField())
    rows = (School.objects.filter(pk__in=ids).order_by()
            .annotate(has_plan=has_plan, first_scope=first_scope, last_test=last_test)
            .values_list("pk", "has_plan", "first_scope", "last_test"))
    return {pk: PlanStatus(has_plan=bool(plan), first_scope_at=first, last_tested_on=last)
            for pk, plan, first, last in rows}


def status_for_school(school_id: int) -> PlanStatus:
    return statuses([school_id]).get(school_id, PlanStatus(False, None, None))
