"""Duties of two-factor coverage, administrators and the accounts on each system, computed
when read (the rules are ``access.coverage.rules``). Archived systems, and the accounts on
them, raise nothing; a disabled account raises nothing.

Six kinds, in the order they are listed:

- ``remote-access-two-factor``: a remote access system (kind "Remote access", or any
  system with a remote access method) whose two-factor is not turned on, whatever it holds.
  Worded as a high risk: exposed remote desktop is the commonest way in for ransomware.
  Owner: the IT lead.
- ``system-two-factor``: any other system that needs two-factor (the school marked it
  required, or it holds current OFFICIAL-SENSITIVE data) and does not have it on. Owner: the
  IT lead. (It replaces the asset register's old "system holding OFFICIAL-SENSITIVE data
  without two-factor": one fact, one duty.)
- ``admin-without-dbs``: an administrator (a person named as a system's administrator or
  holding a live administrator account) with neither a completed enhanced DBS check nor an
  exception with its reason; and a live shared administrator account with no person behind
  it and no exception text. (An unmatched one raises only ``unmatched-account``: matching
  it answers its DBS question.) Owner: the SIRO (the policy: servers are managed by
  DBS-checked staff).
- ``admin-without-two-factor``: a live administrator account whose two-factor is not known
  to be on, on a system that raises no two-factor duty of its own (turning two-factor on for
  a remote access system, or one that needs it, answers its accounts too). Owner: the IT
  lead.
- ``unmatched-account``: a live account that matches no person and is not marked shared.
  Owner: the IT lead.
- ``shared-without-reason``: a live shared account without the reason the school needs it
  (the policy asks for everyone's own unique username). Owner: the IT lead.

The account kinds leave out the accounts of a person whose leaving date is before the
horizon's day: ``leavers.account-enabled`` (disable it) is that account's one duty.

Each is due on the day its record was added (a system, an account; an administrator on the
day of their earliest administrator account, else of the first system naming them),
overdue from the next day: a gap is a gap from the start.

Titles leave the school in reminders and calendar feeds: they name no person or system.
The system's name, the person's name or the account's username is the ``subject``.

``counts`` (through ``CountsFromKinds``) is ONE query for any number of schools: the
systems grouped by school (two kinds), UNION ALL the live accounts grouped by school (four
conditional counts), UNION ALL the administrators without DBS grouped by school; each part
says which it is (a marker) and gives overdue and due for each of its kinds. Every kind
falls to a role, so the viewer's share is decided in Python, once per kind. ``for_kind`` is
one query (two for administrators without DBS: people, then accounts matching nobody),
in order of urgency and sliced in SQL; systems (tens per school) are sorted in Python.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet, Value
from django.urls import reverse

from schoolkeep.access.coverage import rules
from schoolkeep.duties.registry import register
from schoolkeep.duties.types import (
    LONDON,
    CountsFromKinds,
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    local_date,
    status_for,
)
from schoolkeep.tenancy.roles import Role

MODULE = "access"

REMOTE = f"{MODULE}.remote-access-two-factor"
SYSTEM = f"{MODULE}.system-two-factor"
ADMIN_DBS = f"{MODULE}.admin-without-dbs"
ADMIN_MFA = f"{MODULE}.admin-without-two-factor"
UNMATCHED = f"{MODULE}.unmatched-account"
SHARED = f"{MODULE}.shared-without-reason"

OWNED_BY = {REMOTE: Role.IT_LEAD, SYSTEM: Role.IT_LEAD, ADMIN_DBS: Role.SIRO,
            ADMIN_MFA: Role.IT_LEAD, UNMATCHED: Role.IT_LEAD, SHARED: Role.IT_LEAD}

SYSTEMS_ROW, ACCOUNTS_ROW, PEOPLE_ROW = 1, 2, 3
# The kinds each part of the count counts, in its columns' order (overdue, due for each).
ROW_KINDS = {SYSTEMS_ROW: (REMOTE, SYSTEM),
             ACCOUNTS_ROW: (ADMIN_MFA, UNMATCHED, SHARED, ADMIN_DBS),
             PEOPLE_ROW: (ADMIN_DBS,)}
COLUMNS = 8


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _two(condition: Q, field: str, today: date, until: date) -> dict[str, Any]:
    """Overdue (added before today) and due (added today, before the horizon's day)."""
    before = {f"{field}__lt": _day_start(today)}
    between = {f"{field}__gte": _day_start(today), f"{field}__lt": _day_start(until)}
    return {"overdue": Count("pk", filter=condition & Q(**before)),
            "due": Count("pk", filter=condition & Q(**between))}


def _grouped(rows: QuerySet[Any], marker: int, parts: list[tuple[Q, str]], today: date,
             until: date) -> QuerySet[Any]:
    columns: dict[str, Any] = {}
    for n, (condition, field) in enumerate(parts):
        two = _two(condition, field, today, until)
        columns[f"overdue_{n}"], columns[f"due_{n}"] = two["overdue"], two["due"]
    padding = {f"none_{n}": Value(0) for n in range(len(columns), COLUMNS)}
    return (rows.order_by().values("school_id")
            .annotate(marker=Value(marker), **columns, **padding)
            .values_list("school_id", "marker", *columns, *padding))


def _system_url(public_id: UUID) -> str:
    return reverse("systems:system-detail", args=[public_id])


def _account_url(public_id: UUID) -> str:
    return reverse("access:account-detail", args=[public_id])


class AccessDuties(CountsFromKinds):
    module = MODULE
    label = "Accounts, administrators and two-factor"
    kind_labels = {
        REMOTE: "High risk: remote access without two-factor sign-in",
        SYSTEM: "Systems that need two-factor sign-in without it",
        ADMIN_DBS: "Administrators without a DBS check or an exception",
        ADMIN_MFA: "Administrator accounts without two-factor",
        UNMATCHED: "Accounts that match nobody",
        SHARED: "Shared accounts without a reason",
    }

    # --- counts: one aggregate for any number of schools -------------------------------

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]:
        today, until = local_date(now), local_date(horizon)
        systems = _grouped(rules.current_systems(ids), SYSTEMS_ROW, [
            (rules.REMOTE & rules.TWO_FACTOR_OFF, "created_at"),
            (rules.other_needing_q() & rules.TWO_FACTOR_OFF, "created_at")], today, until)
        accounts = _grouped(rules.live_accounts(ids).filter(rules.not_leaving_q(until)),
                            ACCOUNTS_ROW, [
            (rules.admin_without_two_factor_q(ids), "created_at"),
            (rules.UNMATCHED, "created_at"),
            (rules.SHARED_WITHOUT_REASON, "created_at"),
            (rules.NOBODY_ADMIN_WITHOUT_DBS, "created_at")], today, until)
        people = _grouped(rules.administrators(ids, today, needing_dbs=True), PEOPLE_ROW,
                          [(Q(pk__isnull=False), "since")], today, until)
        result: dict[int, dict[str, OwnedCounts]] = {school_id: {} for school_id in ids}
        for school_id, marker, *figures in systems.union(accounts, people, all=True):
            per_kind = result.setdefault(school_id, {})
            for n, kind in enumerate(ROW_KINDS[marker]):
                counts = DutyCounts(overdue=int(figures[2 * n]), due=int(figures[2 * n + 1]))
                mine = owners is not None and owners.owns(None, OWNED_BY[kind])
                owned = OwnedCounts(mine=counts) if mine else OwnedCounts(others=counts)
                per_kind[kind] = per_kind.get(kind, OwnedCounts()) + owned
        return result

    # --- lists ---------------------------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime,
                   limit: int | None = None) -> list[Duty]:
        return [duty for kind in self.kind_labels
                for duty in self.for_kind(school_id, kind, now=now, horizon=horizon,
                                          limit=limit)]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The access module has no kind of duty {kind!r}.")
        if owners is not None and owners.owns(None, OWNED_BY[kind]) != mine:
            return []
        rows = slice(offset, None if limit is None else offset + limit)
        until = _day_start(local_date(horizon))
        if kind in (REMOTE, SYSTEM):
            return sorted(self._systems(school_id, kind, now=now, until=until),
                          key=Duty.sort_key)[rows]
        if kind == ADMIN_DBS:
            return self._without_dbs(school_id, now=now, until=until, rows=rows)
        condition = {ADMIN_MFA: rules.admin_without_two_factor_q([school_id]),
                     UNMATCHED: rules.UNMATCHED,
                     SHARED: rules.SHARED_WITHOUT_REASON}[kind]
        return [self._account_duty(kind, row, now) for row in
                self._accounts(school_id, condition, until)[rows]]

    def _systems(self, school_id: int, kind: str, *, now: datetime,
                 until: datetime) -> list[Duty]:
        condition = rules.REMOTE if kind == REMOTE else rules.other_needing_q()
        systems = (rules.current_systems([school_id])
                   .filter(condition, rules.TWO_FACTOR_OFF, created_at__lt=until)
                   .values_list("public_id", "name", "created_at"))
        if kind == REMOTE:
            title = ("High risk: turn on two-factor sign-in for remote access, the commonest "
                     "way in for ransomware")
        else:
            title = "Turn on two-factor sign-in for a system that needs it"
        return [Duty(key=f"{kind}:{public_id}", module=MODULE, title=title, subject=name,
                     due_at=local_date(created_at),
                     status=status_for(local_date(created_at), now),
                     url=_system_url(public_id), permission="systems.view",
                     owner_role=OWNED_BY[kind], order_at=created_at,
                     action="Turn on two-factor sign-in and record it")
                for public_id, name, created_at in systems]

    def _accounts(self, school_id: int, condition: Q, until: datetime) -> QuerySet[Any]:
        """The live accounts meeting ``condition`` added before ``until`` (the start of the
        horizon's day), leavers' accounts left to the leavers' duties."""
        return (rules.live_accounts([school_id])
                .filter(condition, rules.not_leaving_q(local_date(until)), created_at__lt=until)
                .order_by("created_at", "public_id")
                .values_list("public_id", "username", "system__name", "created_at"))

    def _account_duty(self, kind: str, row: tuple[Any, ...], now: datetime) -> Duty:
        public_id, username, system_name, created_at = row
        title, action = {
            ADMIN_MFA: ("Turn on two-factor for an administrator account",
                        "Turn on two-factor for the account and record it"),
            UNMATCHED: ("Match an account to a person, or mark it shared",
                        "Choose whose account it is, or disable it"),
            SHARED: ("Record why a shared account is needed",
                     "Record the reason, or replace it with personal accounts"),
            ADMIN_DBS: ("Record why an administrator account needs no DBS check",
                        "Match it to a DBS-checked person, or record the reason"),
        }[kind]
        due_on = local_date(created_at)
        return Duty(key=f"{kind}:{public_id}", module=MODULE, title=title,
                    subject=f"{username} on {system_name}", due_at=due_on,
                    status=status_for(due_on, now), url=_account_url(public_id),
                    permission="access.view", owner_role=OWNED_BY[kind],
                    order_at=created_at, action=action)

    def _without_dbs(self, school_id: int, *, now: datetime, until: datetime,
                     rows: slice) -> list[Duty]:
        """The people (in the order they became administrators), then the accounts
        matching nobody, each cut at the end of ``rows``, merged in order."""
        first = slice(0, rows.stop)
        since = Q(since__lt=until)  # an alias of ``rules.administrators``
        people = (rules.administrators([school_id], local_date(now), needing_dbs=True)  # type: ignore[misc]
                  .filter(since).order_by("since", "public_id")
                  .annotate(became=F("since"))
                  .values_list("public_id", "full_name", "became"))[first]
        url = reverse("access:administrators")
        duties = []
        for public_id, full_name, since in people:
            due_on = local_date(since)
            duties.append(Duty(
                key=f"{ADMIN_DBS}:{public_id}", module=MODULE,
                title="Record a DBS check, or why none is needed, for an administrator",
                subject=full_name, due_at=due_on, status=status_for(due_on, now),
                url=f"{url}#admin-{public_id}", permission="access.view",
                owner_role=Role.SIRO, order_at=since,
                action="Record the DBS check, or the reason for an exception"))
        duties += [self._account_duty(ADMIN_DBS, row, now) for row in
                   self._accounts(school_id, rules.NOBODY_ADMIN_WITHOUT_DBS, until)[first]]
        return sorted(duties, key=Duty.sort_key)[rows]


provider = register(AccessDuties())
