"""The duty interface every module implements. Duties are computed when read, never stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class DutyCounts:
    due: int = 0  # due within the horizon, not yet overdue
    overdue: int = 0

    def __add__(self, other: DutyCounts) -> DutyCounts:
        return DutyCounts(self.due + other.due, self.overdue + other.overdue)


@dataclass(frozen=True)
class Duty:
    """One obligation. Providers fill ``owner_user_id`` or ``owner_role``; the duties layer
    resolves a role to its members, and falls back to the SIRO when nobody holds it."""

    key: str  # stable and unique, such as "tenancy.mfa-missing:<user public id>"
    module: str
    title: str  # never a child's name or special-category detail: it leaves the school
    subject: str
    due_at: datetime | date
    status: str  # DUE or OVERDUE
    url: str
    owner_user_id: int | None = None
    owner_role: str | None = None
    owner_user_ids: tuple[int, ...] = field(default=(), compare=False)
    owner_label: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.due_at, datetime)


class DutyProvider(Protocol):
    module: str  # the app label
    label: str  # plain English, for the counts per module

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        """Due (before ``horizon``) and overdue counts per school: one SQL aggregate."""
        ...

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        """The school's duties due before ``horizon`` or overdue: one query."""
        ...
