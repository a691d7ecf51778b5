"""The duty interface every module implements. Duties are computed when read, never stored.

A provider answers two questions for the duties layer:

- ``counts(school_ids, now=, horizon=)``: how many duties each school has, due before the
  horizon and overdue, in ONE SQL aggregate whatever the number of schools;
- ``for_school(school_id, now=, horizon=)``: the duties themselves, in a constant number of
  queries (one per kind of duty the provider knows).

Both must agree: for every school, ``counts`` equals the statuses of ``for_school``.

What leaves the school: reminder e-mails and calendar feeds carry only a duty's ``title``,
its school's name, its due date and its link. ``title`` therefore never names a child or
carries special-category details; ``subject`` (shown only inside Schoolkeep) may name the
adult or record it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

DUE = "due"
OVERDUE = "overdue"

LONDON = ZoneInfo("Europe/London")
HORIZON = timedelta(days=14)  # the dashboard and reminders look this far ahead


def local_date(moment: datetime | date) -> date:
    """The calendar date in Europe/London of an instant (a date is returned as it is)."""
    if isinstance(moment, datetime):
        return moment.astimezone(LONDON).date()
    return moment


def status_for(due_at: datetime | date, now: datetime) -> str:
    """OVERDUE when the due instant has passed (for an all-day date: when that day is over)."""
    if isinstance(due_at, datetime):
        return OVERDUE if due_at < now else DUE
    return OVERDUE if due_at < local_date(now) else DUE


def is_before_horizon(due_at: datetime | date, horizon: datetime) -> bool:
    """True when a duty falls due before the horizon and so belongs in a list."""
    if isinstance(due_at, datetime):
        return due_at < horizon
    return due_at < local_date(horizon)


def count_subquery(queryset: QuerySet[Any]) -> Subquery:
    """A correlated COUNT(*) of ``queryset`` as a scalar subquery (always one row).

    For a provider's ``counts``: filter ``queryset`` on ``OuterRef("pk")`` of the school and
    annotate the schools with it, so that every figure comes from the one aggregate query.
    """
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class DutyCounts:
    due: int = 0  # due within the horizon, not yet overdue
    overdue: int = 0

    def __add__(self, other: DutyCounts) -> DutyCounts:
        return DutyCounts(self.due + other.due, self.overdue + other.overdue)

    @property
    def total(self) -> int:
        return self.due + self.overdue


@dataclass(frozen=True)
class Duty:
    """One obligation. Providers fill ``owner_user_id`` or ``owner_role``; the duties layer
    resolves a role to its members, and falls back to the SIRO when nobody holds it.

    Fields after ``owner_role`` are optional: the duties layer fills ``owner_user_ids``,
    ``owner_label`` (unless the provider gave one) and ``school_id`` when it resolves owners.
    """

    key: str  # stable and unique, such as "tenancy.mfa-missing:<membership public id>"
    module: str
    title: str  # never a child's name or special-category detail: it leaves the school
    subject: str  # shown only inside Schoolkeep
    due_at: datetime | date  # an aware UTC instant, or a date for an all-day duty
    status: str  # DUE or OVERDUE
    url: str  # a path: where the owner does it
    owner_user_id: int | None = None
    owner_role: str | None = None
    owner_user_ids: tuple[int, ...] = field(default=(), compare=False)
    owner_label: str = ""
    school_id: int | None = field(default=None, compare=False)
    action: str = ""  # the link's words for the owner, such as "Set up two-factor sign-in"
    oversight_url: str = ""  # where someone overseeing (a SIRO) follows it up; default ``url``

    @property
    def all_day(self) -> bool:
        return not isinstance(self.due_at, datetime)

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def due_date(self) -> date:
        """The day it falls due, in Europe/London."""
        return local_date(self.due_at)

    def sort_key(self) -> tuple[int, datetime, str]:
        """Overdue first, then soonest due; all-day duties count from the start of their day."""
        if isinstance(self.due_at, datetime):
            moment = self.due_at
        else:
            moment = datetime(self.due_at.year, self.due_at.month, self.due_at.day, tzinfo=LONDON)
        return (0 if self.overdue else 1, moment, self.key)


class DutyProvider(Protocol):
    module: str  # the app label
    label: str  # plain English, for the counts per module

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        """Due (before ``horizon``) and overdue counts per school: one SQL aggregate.

        Schools without duties may be left out of the result."""
        ...

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        """The school's duties due before ``horizon`` or overdue: one query per kind."""
        ...
