"""Duties of the recovery plan (module ``recovery_plan``), computed when read, for the SIRO:

- ``recovery_plan.missing``: the school has started recording what needs protecting (an
  unarchived scope) but has no plan, written or uploaded; due since its first scope.
- ``recovery_plan.untested``: the plan is to be tested once a year (the DfE's standard; a
  tabletop exercise counts): due a year after the last test, listed from the horizon before,
  overdue after; a plan never tested is due from the school's first scope (``status``).

``counts`` and ``for_school`` both read ``status.statuses``: ONE query for any number of
schools, and at most one duty of each kind per school.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.urls import reverse

from schoolkeep.continuity.plan.status import PlanStatus, statuses
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, is_before_horizon, local_date, status_for
from schoolkeep.tenancy.roles import Role

MODULE = "recovery_plan"
MISSING = f"{MODULE}.missing"
UNTESTED = f"{MODULE}.untested"
TITLES = {MISSING: "Write the school's recovery plan",
          UNTESTED: "Test the school's recovery plan (a tabletop exercise counts)"}


def _arising(status: PlanStatus, today: date) -> list[tuple[str, date, str]]:
    """(kind, due on, subject) of the duties this school's plan raises."""
    missing_since = status.missing_since
    if missing_since is not None:
        return [(MISSING, missing_since, "There is no recovery plan, written or uploaded")]
    if not status.has_plan:
        return []
    # Listed from the horizon before it falls due (callers filter by the horizon).
    due = status.next_test_due(today)
    subject = ("The recovery plan has never been tested" if status.last_tested_on is None
               else f"The recovery plan was last tested on {status.last_tested_on:%d/%m/%Y}")
    return [(UNTESTED, due, subject)]


class RecoveryPlanDuties:
    module = MODULE
    label = "Recovery plan"
    view_permission = "continuity.view"
    kind_labels = {MISSING: "No recovery plan", UNTESTED: "Recovery plan not tested this year"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        today = local_date(now)
        result: dict[int, DutyCounts] = {}
        for school_id, status in statuses(school_ids).items():
            for _kind, due, _subject in _arising(status, today):
                if is_before_horizon(due, horizon):
                    result[school_id] = (result.get(school_id, DutyCounts())
                                         + DutyCounts.of(status_for(due, now)))
        return result

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today = local_date(now)
        status = statuses([school_id]).get(school_id)
        if status is None:
            return []
        url = reverse("continuity:plan")
        return [Duty(key=f"{kind}:{school_id}", module=MODULE, title=TITLES[kind],
                     subject=subject, due_at=due, status=status_for(due, now), url=url,
                     permission="continuity.view", owner_role=Role.SIRO,
                     action="Write the plan" if kind == MISSING else "Record the plan's test")
                for kind, due, subject in _arising(status, today)
                if is_before_horizon(due, horizon)]


provider = RecoveryPlanDuties()


def register() -> None:
    register_provider(provider)
