"""The duty interface every module implements. Duties are computed when read, never stored.

A provider answers two questions for the duties layer:

- ``counts(school_ids, now=, horizon=)``: how many duties each school has, due before the
  horizon and overdue, in ONE SQL aggregate whatever the number of schools;
- ``for_school(school_id, now=, horizon=)``: the duties themselves, in a constant number of
  queries (one per kind of duty the provider knows).

Both must agree: for every school, ``counts`` equals the statuses of ``for_school``.

Per kind (optional, for providers whose duties can run to thousands). A page or an e-mail
shows each kind's counts and its few most urgent duties, so a provider that can have many
duties also implements (see ``KindProvider``):

- ``kind_labels``: {kind: plain English}, every kind it has, in the order to show them;
- ``kind_counts(school_id, now=, horizon=, owners=)``: {kind: OwnedCounts}, every kind's
  counts split into the viewer's and the others', in ONE aggregate;
- ``for_kind(school_id, kind, now=, horizon=, owners=, mine=, limit=, offset=)``: that kind's
  duties, most urgent first (``Duty.sort_key``), ``offset`` and ``limit`` applied in SQL.

- ``kind_action(kind, count)`` (optional): a ``KindAction`` dealing with the kind's
  ``count`` duties at once, or None.

The per-kind answers must equal the full list: ``for_kind(limit=n)`` is the first ``n`` of the
kind's duties in ``for_school`` sorted by ``Duty.sort_key`` and kept by owner as
``duties.selectors.resolve_owners`` would; ``kind_counts`` is their statuses. The duties
layer falls back to ``for_school`` (and filters in Python) for a provider without them.

Owners in SQL. A duty is owned by a named user (``owner_user_id``) or a role; the duties
layer resolves a role to its active holders and falls back to the SIRO(s) when nobody
holds it or the named user is not an active member (``resolve_owners``). ``Owners`` carries
what that rule needs about one viewer in one school, computed once from the role holders:
the viewer's user id, the school's active members, the roles whose unnamed duties fall to
the viewer (held by them, or held by nobody when the viewer is a SIRO) and whether they are
a SIRO. A provider describes each kind's owner as a column (or annotation) holding the named
user's id, NULL when none, and the role the duty falls to without one; ``Owners.q(user,
role, mine=)`` turns that into a ``Q``, so "my five most urgent of kind X" and "how many of
X are mine" are a filtered, limited query, whatever the number of duties.

Links. ``url`` is where the owner does it and ``oversight_url`` (optional) where someone
overseeing follows it up; ``permission`` and ``oversight_permission`` name what each page
needs, so that a viewer without it reads the duty's title as words, never as a link to
"You cannot do this" (``Duty.link_for``).

What leaves the school: reminder e-mails and calendar feeds carry only a duty's ``title``,
its school's name, its due date and its link. ``title`` therefore never names a child or
carries special-category details; ``subject`` (shown only inside Schoolkeep) may name the
adult or record it is about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Subquery, Value

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

    @classmethod
    def of(cls, status: str) -> DutyCounts:
        """One duty of this status as counts."""
        return cls(overdue=1) if status == OVERDUE else cls(due=1)


@dataclass(frozen=True)
class OwnedCounts:
    """One kind's counts for one viewer: the duties they own, and everyone else's."""

    mine: DutyCounts = DutyCounts()
    others: DutyCounts = DutyCounts()

    def __add__(self, other: OwnedCounts) -> OwnedCounts:
        return OwnedCounts(self.mine + other.mine, self.others + other.others)

    @property
    def total(self) -> DutyCounts:
        return self.mine + self.others


# Always true, always false, as SQL conditions that also work inside a conditional count (a
# Q() would vanish when combined with ``|``; an empty ``__in`` can empty the whole query).
EVERY_ROW = Q(pk__isnull=False)
NO_ROW = Q(pk__isnull=True)


@dataclass(frozen=True)
class Owners:
    """What the owner rule needs about one viewer in one school (see the module docstring).

    Built by ``duties.selectors.owners_for``; a provider only calls ``q``."""

    user_id: int
    members: frozenset[int]  # the school's active members with an account
    roles: frozenset[str]  # roles whose unnamed duties fall to the viewer
    is_siro: bool

    def owns(self, owner_user_id: int | None, role: str) -> bool:
        """The rule in Python, for one duty: True when it falls to the viewer."""
        if owner_user_id is None:
            return role in self.roles
        if owner_user_id in self.members:
            return owner_user_id == self.user_id
        return self.is_siro

    def q(self, user: str | None, role: str, *, mine: bool = True) -> Q:
        """Rows whose duty falls to the viewer (``mine``) or to someone else (not ``mine``).

        ``user`` names the column or annotation holding the named owner's user id (NULL when
        none), or is None when the kind never names one; ``role`` is whom the duty falls to
        without a named owner. A named owner who is not an active member falls to the SIRO.
        """
        role_is_mine = role in self.roles
        if user is None:
            return EVERY_ROW if role_is_mine == mine else NO_ROW
        unnamed = Q(**{f"{user}__isnull": True})
        named = Q(**{f"{user}__isnull": False})
        if self.members:
            member = named & Q(**{f"{user}__in": sorted(self.members)})
            not_member = named & ~Q(**{f"{user}__in": sorted(self.members)})
        else:
            member, not_member = NO_ROW, named
        q = NO_ROW
        if mine:
            if self.user_id in self.members:
                q |= Q(**{user: self.user_id})
            if self.is_siro:
                q |= not_member
            if role_is_mine:
                q |= unnamed
        else:
            q |= member & ~Q(**{user: self.user_id}) if self.user_id in self.members else member
            if not self.is_siro:
                q |= not_member
            if not role_is_mine:
                q |= unnamed
        return q


def split_by_owner(owners: Owners | None, user: str | None, role: str) -> tuple[Q, Q]:
    """(the viewer's rows, the others' rows) for ``owners.q``; without a viewer, every row
    is the others'."""
    if owners is None:
        return NO_ROW, EVERY_ROW
    return owners.q(user, role, mine=True), owners.q(user, role, mine=False)


def count_owned(condition: Q, owner: Q) -> Any:
    """COUNT of the rows meeting ``condition`` owned as ``owner`` says (an ``Owners.q``);
    a plain 0 or a plain count when the owner's condition is all or nothing, so the query
    carries (and Django compiles) no condition that cannot change the figure."""
    if owner is NO_ROW:
        return Value(0)
    return Count("pk", filter=condition if owner is EVERY_ROW else condition & owner)


def kept_by_owner(owners: Owners | None, user: str | None, role: str, *, mine: bool) -> Q:
    """The rows ``for_kind`` keeps: the viewer's or the others' (every row without one)."""
    return EVERY_ROW if owners is None else owners.q(user, role, mine=mine)


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
    # The permission the page at ``url`` needs ("" when every member may open it), and the
    # one ``oversight_url`` needs (when there is one): a viewer without it sees the title
    # as words, not as a link that answers "You cannot do this" (``link_for``).
    permission: str = field(default="", compare=False)
    oversight_permission: str = field(default="", compare=False)
    # Among duties due the same day, the instant that orders them (such as when the record
    # was added), so that a provider can sort in SQL by a plain column; None: by key alone.
    order_at: datetime | None = field(default=None, compare=False)
    # A running legal clock (its ``due_at`` an instant set by law, such as the ICO's 72 hours
    # to decide on reporting a breach): shown above everything else, to whoever handles it.
    legal_clock: bool = False  # the same for every duty of a kind

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

    def link_for(self, oversight: bool, can: Callable[[str], bool]) -> str:
        """The link to follow for the owner (or, with ``oversight``, for who oversees it),
        or "" when the viewer lacks the permission its page needs (``can(permission)``)."""
        if oversight and self.oversight_url:
            url, needed = self.oversight_url, self.oversight_permission
        else:
            url, needed = self.url, self.permission
        return url if not needed or can(needed) else ""

    @property
    def urgency(self) -> int:
        """``LEGAL_CLOCK``, ``OVERDUE_RANK`` or ``DUE_RANK``: the order of urgency everywhere."""
        if self.legal_clock:
            return LEGAL_CLOCK
        return OVERDUE_RANK if self.overdue else DUE_RANK

    def sort_key(self) -> tuple[int, datetime, datetime, str]:
        """A running legal clock first, then overdue, then soonest due; all-day duties count
        from the start of their day; among those due at the same moment, by ``order_at``
        (when given), then by key.

        ``legal_clock`` is the same for every duty of a kind, so a provider's SQL ordering of
        one kind (overdue first, then the due date) agrees with this order."""
        if isinstance(self.due_at, datetime):
            moment = self.due_at
        else:
            moment = datetime(self.due_at.year, self.due_at.month, self.due_at.day, tzinfo=LONDON)
        return (self.urgency, moment, self.order_at or moment, self.key)


# Ranks of ``Duty.urgency`` (and the first item of ``Duty.sort_key``).
LEGAL_CLOCK, OVERDUE_RANK, DUE_RANK = 0, 1, 2


@dataclass(frozen=True)
class KindAction:
    """One step that deals with many duties of a kind together, named for what it does
    ("Choose owners for 33 information assets"), offered by a provider's ``kind_action``.
    Shown only to a viewer who holds ``permission``."""

    words: str
    url: str
    permission: str


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


@runtime_checkable
class KindProvider(Protocol):
    """The optional per-kind methods of a provider (see the module docstring)."""

    module: str
    kind_labels: dict[str, str]  # every kind, "<module>.<words>", in the order to show them

    def kind_counts(self, school_id: int, *, now: datetime, horizon: datetime,
                    owners: Owners | None = None) -> dict[str, OwnedCounts]:
        """Every kind's counts in ONE aggregate, split by ``owners`` (everything in
        ``others`` without a viewer). Kinds without duties may be left out."""
        ...

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        """The kind's duties most urgent first, of the viewer (``mine``) or of the others
        (every one without ``owners``), sliced in SQL: one query."""
        ...


class CountedPerKind(Protocol):
    """A provider that answers {school id: {kind: OwnedCounts}} from one query."""

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]: ...


class CountsFromKinds:
    """``counts`` and ``kind_counts`` for a provider whose ``_counted`` answers
    {school id: {kind: OwnedCounts}} from one query (for any number of schools)."""

    def counts(
        self: CountedPerKind, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        ids = list(dict.fromkeys(school_ids))
        if not ids:
            return {}
        return {school_id: sum((owned.total for owned in per_kind.values()), DutyCounts())
                for school_id, per_kind in self._counted(ids, now=now, horizon=horizon,
                                                         owners=None).items()}

    def kind_counts(self: CountedPerKind, school_id: int, *, now: datetime,
                    horizon: datetime, owners: Owners | None = None
                    ) -> dict[str, OwnedCounts]:
        return self._counted([school_id], now=now, horizon=horizon,
                             owners=owners).get(school_id, {})
