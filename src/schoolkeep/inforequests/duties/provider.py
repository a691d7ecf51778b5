"""Duties of requests with a legal clock (module ``requests``), computed when read.

Five kinds:

- ``requests.response-final-days``: an open request with five working days (England) or
  fewer left, counted from today up to and including its deadline day, or past its
  deadline: "Respond to RQ-2026-0001 (Subject access request)", or for a complaint
  "Acknowledge the complaint RQ-2026-0004". Due at the end of ``due_on`` (23:59 UK time),
  overdue after it. A running legal clock (``Duty.legal_clock``): it stands in the red
  banner at the top of the dashboard. A deadline on a weekend or a bank holiday (a
  complaint's 30 days and exam marks are not moved to a working day) has only the working
  days before it: a complaint due on Saturday 12 December 2026 is in the banner from Monday
  7 December.
- ``requests.response-due``: the same duty earlier, while more than five working days are
  left and the deadline is within the horizon: all day, due on ``due_on``. A response is
  in exactly one of these two kinds; it moves to the first when five working days are left.
  Neither is raised while the school waits for the requester (``waiting_since``: the clock
  does not run to a deadline then), nor for a complaint once acknowledged (the law asks for
  the acknowledgement within 30 days, then no further deadline).
- ``requests.search``: an open search task assigned to a member, on an open request: to the
  assignee, due on the task's date, else on the request's deadline; on a complaint already
  acknowledged (its 30 days met, no further deadline), on the task's date only, and a task
  without one is no duty (the deadline met is no date to be overdue from).
- ``requests.awaiting``: proof of identity, authority, a fee, a clarification or a fees
  notice awaited for more than 14 days (``waiting_since``): chase the requester. Due 14
  days after the wait began, so overdue once it is a duty at all.
- ``requests.extension-not-told``: an extension whose ``told_on`` is empty: tell the
  requester by ``extension_tell_by`` (the end of the first month for the rights, the 20-day
  deadline for FOI and EIR). The same for every kind: an extension holds only if the
  requester is told by that day, so the duty ends when it has passed (telling later is not
  allowed, cannot be recorded, and the clock lets the extension lapse); a request without a
  tell-by day (its clock takes no extension, such as exam marks on the five months) raises
  none.

Owner: the DPO (the SIRO when the school has none, by the duties layer's rule); a search
task's assignee. Privacy: a request can be hidden from named members (the SIRO included). A
request hidden from a holder of the owning role (the DPO; the SIRO when the school has no
active DPO) names its owner: the first active DPO it is not hidden from, else the first such
SIRO, so that the duty never falls to someone who may not see it. Hidden only from others
(a teacher, say), it stays the role's: every DPO has it as theirs. A viewer it is hidden
from never reads its duties at all (``kind_counts`` and ``for_kind`` leave them out for that
viewer, mine and others'). A search task assigned to someone the request is hidden from is
nobody's duty.

For nobody in particular (``counts``, read by the schools overview, and ``kind_counts`` or
``for_kind`` without ``owners``) the duties of a request hidden from anyone are left out: the
overview's figures are shown to whoever may see the overview, the members it is hidden from
among them, and cannot know who is looking. So the overview never counts more than a viewer's
dashboard shows (a request hidden from the SIRO does not add to the SIRO's figure); it may
count fewer for those who may see such a request.

Titles carry the reference and the kind only: they leave the school in reminder e-mails and
calendar feeds. Others' request duties are shown only to holders of ``requests.view``.

Queries: ``counts`` and ``kind_counts`` are two queries for any number of schools (the
schools' proclaimed extra bank holidays of the coming weeks, then ONE aggregate: requests,
search tasks and extensions grouped by school, UNION ALL); ``for_kind`` is one query (two
for the response kinds, which need the extra days), ordered and sliced in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import (
    LONDON,
    NO_ROW,
    CountsFromKinds,
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    count_owned,
    kept_by_owner,
    local_date,
    split_by_owner,
    status_for,
)
from schoolkeep.inforequests.clocks.calendar import england_bank_holidays
from schoolkeep.inforequests.models import (
    Extension,
    ExtraBankHoliday,
    Hold,
    Kind,
    Request,
    SearchTask,
    Status,
)
from schoolkeep.tenancy.models import MembershipRole
from schoolkeep.tenancy.roles import Role

MODULE = "requests"
FINAL_DAYS = f"{MODULE}.response-final-days"
RESPONSE = f"{MODULE}.response-due"
SEARCH = f"{MODULE}.search"
AWAITING = f"{MODULE}.awaiting"
NOT_TOLD = f"{MODULE}.extension-not-told"

LAST_WORKING_DAYS = 5  # the red banner: this many working days left, or fewer
AWAITED_FOR = timedelta(days=14)  # chase the requester after this long
SATURDAY = 5
OWNER_ROLE = Role.DPO
HIDDEN = Request.hidden_from.through
KIND_LABELS = dict(Kind.choices)
HOLD_LABELS = dict(Hold.Reason.choices)


# --- the last five working days ------------------------------------------------------------


def final_days_cutoff(today: date, extra_days: Iterable[date] = ()) -> date:
    """The sixth working day (England) counted from ``today`` (today included when it is a
    working day): a deadline before it has five working days or fewer left, counting from
    today up to and including the deadline day. A deadline on a weekend or a bank holiday
    (not moved for complaints and exam marks) has only the working days before it, so the
    weekend after the fifth working day is inside the cutoff too. ``extra_days``: the
    school's proclaimed England bank holidays."""
    closed = set(england_bank_holidays({today.year, today.year + 1})) | set(extra_days)
    day, counted = today, 0
    while True:
        if day.weekday() < SATURDAY and day not in closed:
            counted += 1
            if counted > LAST_WORKING_DAYS:
                return day
        day += timedelta(days=1)


def _cutoffs(ids: list[int], today: date) -> tuple[date, dict[int, date]]:
    """(the cutoff of a school without extra days, {school id: its own cutoff} for schools
    with an England extra bank holiday in the coming weeks): one query."""
    extras: dict[int, set[date]] = {}
    for school_id, day in (ExtraBankHoliday.objects
                           .filter(school_id__in=ids, nations=ExtraBankHoliday.Nations.ENGLAND,
                                   day__gte=today, day__lte=today + timedelta(days=31))
                           .values_list("school_id", "day")):
        extras.setdefault(school_id, set()).add(day)
    return (final_days_cutoff(today),
            {school_id: final_days_cutoff(today, days) for school_id, days in extras.items()})


def _before_cutoff(default: date, own: dict[int, date], field: str = "due_on") -> Q:
    """Rows whose ``field`` is before their school's cutoff."""
    q = Q(**{f"{field}__lt": default})
    if own:
        q = ~Q(school_id__in=sorted(own)) & q
        for school_id, cutoff in sorted(own.items()):
            q |= Q(school_id=school_id, **{f"{field}__lt": cutoff})
    return q


# --- the rows, as conditions -----------------------------------------------------------------


def _open_requests(ids: list[int]) -> QuerySet[Request]:
    return Request.objects.filter(school_id__in=ids, status=Status.OPEN)


# A complaint acknowledged: its only legal deadline (30 days to acknowledge) is met.
ACKNOWLEDGED = Q(kind=Kind.COMPLAINT, acknowledged_on__isnull=False)
RESPONDING = Q(waiting_since__isnull=True) & ~ACKNOWLEDGED


def _request_windows(today: date, until: date, default: date,
                     own: dict[int, date]) -> dict[str, tuple[Q, Q]]:
    """Per request kind of duty: (overdue, due before the horizon) on Request rows."""
    final = _before_cutoff(default, own)
    awaited = Q(waiting_since__lt=today - AWAITED_FOR)
    return {
        FINAL_DAYS: (RESPONDING & Q(due_on__lt=today),
                     RESPONDING & Q(due_on__gte=today, due_on__lt=until) & final),
        RESPONSE: (NO_ROW, RESPONDING & Q(due_on__gte=today, due_on__lt=until) & ~final),
        AWAITING: (awaited, NO_ROW),
    }


def _open_tasks(ids: list[int]) -> QuerySet[SearchTask]:
    """Open tasks assigned to a member the request is not hidden from, ``due`` on the
    task's date, else on the request's deadline while it runs (none once a complaint is
    acknowledged: such a task without a date of its own is in no window)."""
    hidden = HIDDEN.objects.filter(request_id=OuterRef("request_id"),
                                   user_id=OuterRef("assignee_id"))
    acknowledged = Q(request__kind=Kind.COMPLAINT, request__acknowledged_on__isnull=False)
    deadline = Case(When(acknowledged, then=Value(None)), default=F("request__due_on"),
                    output_field=DateField())
    return (SearchTask.objects
            .filter(request__school_id__in=ids, request__status=Status.OPEN,
                    state=SearchTask.State.OPEN, assignee__isnull=False)
            .annotate(school_id=F("request__school_id"))
            .alias(due=Coalesce("due_on", deadline))
            .filter(~Exists(hidden)))


def _untold(ids: list[int], today: date) -> QuerySet[Extension]:
    """Extensions not told while they still may be, whatever the kind: up to the request's
    ``extension_tell_by``, due then. After it, telling is too late and cannot be recorded
    (the clock lets the extension lapse): the duty ends. A request without a tell-by day
    takes no extension: none is raised."""
    return (Extension.objects
            .filter(request__school_id__in=ids, request__status=Status.OPEN,
                    told_on__isnull=True, request__extension_tell_by__gte=today)
            .annotate(school_id=F("request__school_id"))
            .alias(due=F("request__extension_tell_by")))


def _dated_windows(today: date, until: date) -> tuple[Q, Q]:
    return Q(due__lt=today), Q(due__gte=today, due__lt=until)


def _named_owner(request: str) -> Case:
    """The owner to name for a request hidden from a holder of the owning role (the DPO, or
    the SIRO when the school has no active DPO, as the duties layer resolves a role): the
    first active DPO it is not hidden from, else such a SIRO. NULL for any other request,
    hidden from others or from nobody: its duty stays the DPO role's, so every DPO has it.
    ``request`` is the path to the request's id from the rows counted."""
    def holders(role: str) -> QuerySet[MembershipRole]:
        return MembershipRole.objects.filter(
            membership__school_id=OuterRef("school_id"), membership__is_active=True,
            membership__user__is_active=True, role=role)

    def hidden_holder() -> Exists:
        return Exists(HIDDEN.objects.filter(request_id=OuterRef(OuterRef(request)),
                                            user_id=OuterRef("membership__user_id")))

    def first(role: str) -> Subquery:
        return Subquery(holders(role).filter(~hidden_holder())
                        .order_by("membership__user_id").values("membership__user_id")[:1])

    owner_hidden = (Exists(holders(Role.DPO).filter(hidden_holder()))
                    | (~Exists(holders(Role.DPO))
                       & Exists(holders(Role.SIRO).filter(hidden_holder()))))
    return Case(When(owner_hidden, then=Coalesce(first(Role.DPO), first(Role.SIRO))),
                default=Value(None))


def _not_hidden_from(owners: Owners | None, request: str) -> Any:
    """Rows of requests not hidden from the viewer; without one (the overview, for whoever
    may be looking), of requests hidden from nobody. A condition for ``filter``."""
    hidden = HIDDEN.objects.filter(request_id=OuterRef(request))
    if owners is not None:
        hidden = hidden.filter(user_id=owners.user_id)
    return ~Exists(hidden)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def end_of(day: date) -> datetime:
    """The last moment of a day in UK time: a deadline day is the whole of that day."""
    return datetime.combine(day, time.max, tzinfo=LONDON)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:  # that part's page not mounted yet: the duty is still counted
        return ""


# --- the provider ------------------------------------------------------------------------

REQUEST_ROW, TASK_ROW, EXTENSION_ROW = 1, 2, 3
REQUEST_KINDS = (FINAL_DAYS, RESPONSE, AWAITING)
ROW_KINDS = {REQUEST_ROW: REQUEST_KINDS, TASK_ROW: (SEARCH,), EXTENSION_ROW: (NOT_TOLD,)}
COLUMNS = 4 * len(REQUEST_KINDS)  # (mine, others) x (overdue, due) per kind


class RequestDuties(CountsFromKinds):
    module = MODULE
    label = "Requests with legal clocks"
    # Others' request duties reveal that a request exists: only for who may see requests.
    view_permission = "requests.view"
    kind_labels = {
        FINAL_DAYS: "Responses in their last five working days, or overdue (legal deadline)",
        RESPONSE: "Responses to requests due",
        SEARCH: "Searches for requests",
        AWAITING: "Requests waiting more than 14 days for the requester",
        NOT_TOLD: "Extensions not yet told to the requester",
    }

    # --- counts: two queries for any number of schools --------------------------------------

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]:
        today, until = local_date(now), local_date(horizon)
        default, own = _cutoffs(ids, today)
        parts = []
        windows = _request_windows(today, until, default, own)
        requests = _open_requests(ids).filter(_not_hidden_from(owners, "pk"))
        if owners is not None:
            requests = requests.alias(named_owner=_named_owner("pk"))
        parts.append(self._grouped(requests, REQUEST_ROW,
                                   [windows[kind] for kind in REQUEST_KINDS],
                                   split_by_owner(owners, "named_owner", OWNER_ROLE)))
        tasks = _open_tasks(ids).filter(_not_hidden_from(owners, "request_id"))
        parts.append(self._grouped(tasks, TASK_ROW, [_dated_windows(today, until)],
                                   split_by_owner(owners, "assignee_id", OWNER_ROLE)))
        untold = _untold(ids, today).filter(_not_hidden_from(owners, "request_id"))
        if owners is not None:
            untold = untold.alias(named_owner=_named_owner("request_id"))
        parts.append(self._grouped(untold, EXTENSION_ROW, [_dated_windows(today, until)],
                                   split_by_owner(owners, "named_owner", OWNER_ROLE)))
        result: dict[int, dict[str, OwnedCounts]] = {}
        for school_id, marker, *figures in parts[0].union(*parts[1:], all=True):
            per_kind = result.setdefault(school_id, {})
            for n, kind in enumerate(ROW_KINDS[marker]):
                mine_overdue, mine_due, others_overdue, others_due = figures[4 * n:4 * n + 4]
                owned = OwnedCounts(mine=DutyCounts(due=int(mine_due),
                                                    overdue=int(mine_overdue)),
                                    others=DutyCounts(due=int(others_due),
                                                      overdue=int(others_overdue)))
                per_kind[kind] = per_kind.get(kind, OwnedCounts()) + owned
        return result

    @staticmethod
    def _grouped(rows: QuerySet[Any], marker: int, windows: list[tuple[Q, Q]],
                 split: tuple[Q, Q]) -> QuerySet[Any]:
        mine, others = split
        columns: dict[str, Any] = {}
        for n, (overdue, due) in enumerate(windows):
            columns[f"mine_overdue_{n}"] = count_owned(overdue, mine)
            columns[f"mine_due_{n}"] = count_owned(due, mine)
            columns[f"others_overdue_{n}"] = count_owned(overdue, others)
            columns[f"others_due_{n}"] = count_owned(due, others)
        padding = {f"none_{n}": Value(0) for n in range(len(columns), COLUMNS)}
        return (rows.order_by().values("school_id")
                .annotate(marker=Value(marker), **columns, **padding)
                .values_list("school_id", "marker", *columns, *padding))

    # --- lists ------------------------------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return [duty for kind in self.kind_labels
                for duty in self.for_kind(school_id, kind, now=now, horizon=horizon)]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The requests module has no kind of duty {kind!r}.")
        today, until = local_date(now), local_date(horizon)
        rows = slice(offset, None if limit is None else offset + limit)
        if kind == SEARCH:
            return self._searches(school_id, now, today, until, owners, mine, rows)
        if kind == NOT_TOLD:
            return self._extensions(school_id, now, today, until, owners, mine, rows)
        own: dict[int, date] = {}
        if kind == AWAITING:
            default = today  # not needed: no response window
        else:
            default, own = _cutoffs([school_id], today)
        overdue, due = _request_windows(today, until, default, own)[kind]
        found = (_open_requests([school_id]).filter(overdue | due)
                 .filter(_not_hidden_from(owners, "pk"))
                 .annotate(named_owner=_named_owner("pk"),
                           awaited=Subquery(Hold.objects
                                            .filter(request_id=OuterRef("pk"),
                                                    answered_on__isnull=True)
                                            .order_by("asked_on", "pk").values("reason")[:1]))
                 .filter(kept_by_owner(owners, "named_owner", OWNER_ROLE, mine=mine)))
        order = ("waiting_since" if kind == AWAITING else "due_on", "public_id")
        return [self._request_duty(kind, row, now) for row in
                found.order_by(*order).values_list(
                    "public_id", "reference", "kind", "due_on", "waiting_since",
                    "named_owner", "awaited")[rows]]

    def _request_duty(self, kind: str, row: tuple[Any, ...], now: datetime) -> Duty:
        public_id, reference, request_kind, due_on, waiting_since, named, awaited = row
        url = _url("requests:request-detail", public_id)
        common: dict[str, Any] = {
            "key": f"{kind}:{public_id}", "module": MODULE, "subject": reference, "url": url,
            "permission": "requests.view", "owner_user_id": named,
            "owner_role": None if named is not None else OWNER_ROLE}
        if kind == AWAITING:
            due: date | datetime = waiting_since + AWAITED_FOR
            what = HOLD_LABELS.get(awaited or "", "A reply").lower()
            return Duty(title=f"Chase the requester of {reference}: {what} awaited "
                              "for more than 14 days",
                        due_at=due, status=status_for(due, now),
                        action="Ask again, or record the answer or that the request lapsed",
                        **common)
        if request_kind == Kind.COMPLAINT:
            title = f"Acknowledge the complaint {reference}"
            action = "Acknowledge the complaint and record when"
        else:
            title = f"Respond to {reference} ({KIND_LABELS.get(request_kind, request_kind)})"
            action = "Send the response and record it"
        due = end_of(due_on).astimezone(UTC) if kind == FINAL_DAYS else due_on
        return Duty(title=title, due_at=due, status=status_for(due, now), action=action,
                    legal_clock=kind == FINAL_DAYS, **common)

    def _searches(self, school_id: int, now: datetime, today: date, until: date,
                  owners: Owners | None, mine: bool, rows: slice) -> list[Duty]:
        overdue, due = _dated_windows(today, until)
        found = (_open_tasks([school_id]).filter(overdue | due)
                 .filter(_not_hidden_from(owners, "request_id"))
                 .filter(kept_by_owner(owners, "assignee_id", OWNER_ROLE, mine=mine))
                 .annotate(due_day=F("due"))
                 .order_by("due_day", "created_at", "pk")
                 .values_list("pk", "place", "due_day", "created_at", "assignee_id",
                              "assignee__full_name", "assignee__email",
                              "request__reference", "request__public_id"))[rows]
        duties = []
        for (pk, place, due_day, created_at, assignee_id, name, email, reference,
             request_id) in found:
            duties.append(Duty(
                key=f"{SEARCH}:{pk}", module=MODULE,
                title=f"Search for information for {reference}", subject=place,
                due_at=due_day, status=status_for(due_day, now),
                url=_url("requests:search-detail", pk), permission="requests.search",
                oversight_url=_url("requests:request-detail", request_id),
                oversight_permission="requests.view",
                owner_user_id=assignee_id, owner_role=OWNER_ROLE,
                owner_label=(name or email or ""), order_at=created_at,
                action="Search, then record what you found"))
        return duties

    def _extensions(self, school_id: int, now: datetime, today: date, until: date,
                    owners: Owners | None, mine: bool, rows: slice) -> list[Duty]:
        overdue, due = _dated_windows(today, until)
        found = (_untold([school_id], today).filter(overdue | due)
                 .filter(_not_hidden_from(owners, "request_id"))
                 .annotate(named_owner=_named_owner("request_id"), due_day=F("due"))
                 .filter(kept_by_owner(owners, "named_owner", OWNER_ROLE, mine=mine))
                 .order_by("due_day", "created_at", "pk")
                 .values_list("pk", "due_day", "created_at", "named_owner",
                              "request__reference", "request__public_id"))[rows]
        return [Duty(key=f"{NOT_TOLD}:{pk}", module=MODULE,
                     title=f"Tell the requester of {reference} about the extension",
                     subject=reference, due_at=due_day, status=status_for(due_day, now),
                     url=_url("requests:request-detail", request_id),
                     permission="requests.view", owner_user_id=named,
                     owner_role=None if named is not None else OWNER_ROLE,
                     order_at=created_at,
                     action="Tell the requester, with the reason, and record when")
                for pk, due_day, created_at, named, reference, request_id in found]


provider = RequestDuties()


def register() -> None:
    register_provider(provider)
