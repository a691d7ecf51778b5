"""Reads of the password change cycles: who holds each cycle, when each holder last changed
their password, and when they must change it next.

A cycle's holders are its named people and the current people whose user is an active member
of its access label. A holder's change counts for every cycle of the system they hold. Their
due date is the cycle's next one (``duties.cadence.next_due``), or sooner: the due date of the
earliest open forced change (a possible compromise) of the system raised after their last
change.

Every function reads a fixed number of queries whatever the number of schools, cycles and
holders: one per table for all the schools asked, and one for all their term dates
(``duties.cadence.calendars_for``); the due dates are then worked out in Python, since the
termly rule (a holiday counts for the next term, estimated terms) does not fit in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.db.models import F, Max
from django.utils import timezone

from schoolkeep.duties.cadence import DueDate, calendars_for, next_due, years_around
from schoolkeep.passwords.models import Cadence, ForcedChange, PasswordChange, PasswordCycle
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

COMPROMISE = "compromise"
# The fields of a holder read, in the model's order (``Person.from_db`` takes them so).
_PERSON_FIELDS = tuple(f.attname for f in Person._meta.concrete_fields if f.attname in {
    "id", "public_id", "school_id", "full_name", "preferred_name", "email", "user_id",
    "name_key"})
_SCHOOL_AT = _PERSON_FIELDS.index("school_id")


class HolderDue(NamedTuple):
    """One holder's next change on one system (the earliest of the cycles they hold there)."""

    person: Person
    system: System
    due_on: date
    estimated: bool
    overdue: bool
    reason: str  # the cycle's cadence, or "compromise"


@dataclass
class HolderRow:
    """One holder of one cycle, for the cycle's page and the API."""

    person: Person
    last_changed_on: date | None
    due: DueDate | None
    overdue: bool
    reason: str

    @property
    def due_on(self) -> date | None:
        return None if self.due is None else self.due.on


@dataclass
class CycleDues:
    """A cycle with its holders' rows, overdue first."""

    cycle: PasswordCycle
    rows: list[HolderRow] = field(default_factory=list)

    @property
    def holders_count(self) -> int:
        return len(self.rows)

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


# ---------------------------------------------------------------------------- holders


def _person(values: tuple[Any, ...]) -> Person:
    """A Person with only the fields shown (the others deferred), built as a queryset would:
    positional values are many times quicker than keyword ones for 30,000 holders."""
    return Person.from_db("default", list(_PERSON_FIELDS), values)


class _People:
    """{person pk: Person}, each built only when first asked for (a count needs none)."""

    def __init__(self) -> None:
        self.values: dict[int, tuple[Any, ...]] = {}
        self._built: dict[int, Person] = {}

    def __getitem__(self, pk: int) -> Person:
        person = self._built.get(pk)
        if person is None:
            person = self._built[pk] = _person(self.values[pk])
        return person

    def school_of(self, pk: int) -> int:
        return int(self.values[pk][_SCHOOL_AT])


def _holders(cycles: list[PasswordCycle], today: date, person_id: int | None = None
             ) -> tuple[dict[int, set[int]], _People]:
    """{cycle pk: {person pk}} and the people (only the fields shown), in two queries: named
    holders, and the people of the cycles' access labels."""
    by_cycle: dict[int, set[int]] = {c.pk: set() for c in cycles}
    people = _People()
    if not cycles:
        return by_cycle, people
    ids = list(by_cycle)
    schools = list({c.school_id for c in cycles})
    named = Person.objects.filter(current_q(today), school_id__in=schools,
                                  password_cycles__in=ids)
    labelled = Person.objects.filter(
        current_q(today), school_id__in=schools,
        user__memberships__is_active=True,
        user__memberships__school_id=F("school_id"),
        user__memberships__access_labels__password_cycles__in=[
            c.pk for c in cycles if c.holders_label_id is not None])
    if person_id is not None:
        named, labelled = named.filter(pk=person_id), labelled.filter(pk=person_id)
    sources = [(named, "password_cycles")]
    if any(c.holders_label_id is not None for c in cycles):
        sources.append((labelled, "user__memberships__access_labels__password_cycles"))
    for query, path in sources:
        for *values, cycle_id in query.order_by().values_list(*_PERSON_FIELDS, F(path)):
            if cycle_id in by_cycle:
                by_cycle[cycle_id].add(values[0])
                people.values.setdefault(values[0], tuple(values))
    return by_cycle, people


def last_changes(*, school_ids: Iterable[int], system_ids: Iterable[int] | None = None,
                 person_id: int | None = None) -> dict[tuple[int, int], date]:
    """{(system pk, person pk): the latest day they said they changed it}, one query."""
    query = PasswordChange.objects.filter(school_id__in=list(school_ids))
    if system_ids is not None:
        query = query.filter(system_id__in=list(system_ids))
    if person_id is not None:
        query = query.filter(person_id=person_id)
    rows = (query.order_by().values("system_id", "person_id").annotate(last=Max("changed_on"))
            .values_list("system_id", "person_id", "last"))
    return {(system_id, pid): last for system_id, pid, last in rows}


def holder_ids_of_system(*, system: System, today: date) -> set[int]:
    """The people who hold any current cycle of the system."""
    cycles = list(PasswordCycle.objects.filter(system=system, archived_at__isnull=True))
    by_cycle, _ = _holders(cycles, today)
    return set().union(*by_cycle.values()) if by_cycle else set()


def holders_of(*, school: School, system: System | None = None,
               today: date | None = None) -> dict[PasswordCycle, list[Person]]:
    """{cycle: its holders by name} for the school's current cycles (of one system)."""
    cycles = _cycles(school_ids=[school.pk], system=system)
    by_cycle, people = _holders(cycles, today or timezone.localdate())
    return {c: sorted((people[p] for p in by_cycle[c.pk]), key=lambda p: (p.name_key, p.pk))
            for c in cycles}


# ---------------------------------------------------------------------------- due dates


def _cycles(*, school_ids: list[int], system: System | None = None,
            cycle: PasswordCycle | None = None) -> list[PasswordCycle]:
    """The current cycles of current systems; one cycle asked for by itself, even archived
    (its page still lists its holders)."""
    query = (PasswordCycle.objects.filter(school_id__in=school_ids)
             .select_related("system", "school", "holders_label"))
    if cycle is not None:
        query = query.filter(pk=cycle.pk)
    else:
        query = query.filter(archived_at__isnull=True, system__archived_at__isnull=True)
    if system is not None:
        query = query.filter(system=system)
    return list(query.order_by("school_id", "system__name_key", "name", "pk"))


def _open_compromises(school_ids: list[int]) -> dict[int, list[ForcedChange]]:
    """{system pk: its open compromise forced changes, oldest first}, one query."""
    found: dict[int, list[ForcedChange]] = defaultdict(list)
    for forced in ForcedChange.objects.filter(
            school_id__in=school_ids, reason=ForcedChange.Reason.COMPROMISE,
            settled_at__isnull=True).order_by("raised_at", "pk"):
        found[forced.system_id].append(forced)
    return found


def _forced_due(forced: list[ForcedChange], last: date | None) -> date | None:
    """The due date of the earliest open compromise raised after the last change."""
    for item in forced:
        if last is None or last < timezone.localdate(item.raised_at):
            return item.due_on
    return None


# (person pk, last change, due date, reason) of each holder of a cycle
Computed = list[tuple[int, date | None, DueDate | None, str]]


def _computed(cycles: list[PasswordCycle], today: date, person_id: int | None = None
              ) -> tuple[list[tuple[PasswordCycle, Computed]], _People]:
    """Each cycle with its holders' last change and due date (no Person built yet)."""
    if not cycles:
        return [], _People()
    school_ids = sorted({c.school_id for c in cycles})
    by_cycle, people = _holders(cycles, today, person_id)
    latest = last_changes(school_ids=school_ids, system_ids={c.system_id for c in cycles},
                          person_id=person_id)
    compromises = _open_compromises(school_ids)
    termly_days: list[date] = []
    for c in cycles:
        if c.cadence == Cadence.TERMLY:
            termly_days.append(c.starts_on)
            termly_days += [latest[(c.system_id, p)] for p in by_cycle[c.pk]
                            if (c.system_id, p) in latest]
    calendars = calendars_for({c.school for c in cycles if c.cadence == Cadence.TERMLY},
                              years_around(termly_days))
    result = []
    for c in cycles:
        calendar = calendars.get(c.school_id)
        forced = compromises.get(c.system_id, [])
        known: dict[date | None, DueDate | None] = {}  # holders changed the same day
        rows: Computed = []
        for pid in by_cycle[c.pk]:
            last = latest.get((c.system_id, pid))
            if last in known:
                due = known[last]
            else:
                due = known[last] = next_due(c.cadence, c.every_days, last_done=last,
                                             starts_on=c.starts_on, calendar=calendar)
            reason = str(c.cadence)
            forced_on = _forced_due(forced, last) if forced else None
            if forced_on is not None and (due is None or forced_on < due.on):
                due, reason = DueDate(on=forced_on), COMPROMISE
            rows.append((pid, last, due, reason))
        result.append((c, rows))
    return result, people


def _rows(cycles: list[PasswordCycle], today: date) -> list[CycleDues]:
    """Each cycle with its holders' rows, overdue first."""
    computed, people = _computed(cycles, today)
    result = []
    for cycle, holders in computed:
        rows = [HolderRow(person=people[pid], last_changed_on=last, due=due,
                          overdue=due is not None and due.on < today, reason=reason)
                for pid, last, due, reason in holders]
        rows.sort(key=lambda r: (not r.overdue, r.due_on or date.max, r.person.name_key,
                                 r.person.pk))
        result.append(CycleDues(cycle=cycle, rows=rows))
    return result


def cycle_dues(*, school: School, today: date, system: System | None = None,
               cycle: PasswordCycle | None = None) -> list[CycleDues]:
    """The school's current cycles (of one system, or one cycle) with each holder's row."""
    return _rows(_cycles(school_ids=[school.pk], system=system, cycle=cycle), today)


def _earliest(school_ids: Iterable[int], today: date, person_id: int | None = None
              ) -> tuple[dict[tuple[int, int], tuple[DueDate, str, System]], _People]:
    """{(system pk, person pk): (the earliest due date, its reason, the system)}."""
    cycles = _cycles(school_ids=sorted(set(school_ids)))
    computed, people = _computed(cycles, today, person_id)
    best: dict[tuple[int, int], tuple[DueDate, str, System]] = {}
    for cycle, holders in computed:
        for pid, _last, due, reason in holders:
            if due is None:
                continue
            key = (cycle.system_id, pid)
            known = best.get(key)
            if known is None or due.on < known[0].on:
                best[key] = (due, reason, cycle.system)
    return best, people


def dues_for_schools(*, school_ids: Iterable[int], today: date, person_id: int | None = None,
                     before: date | None = None, overdue_only: bool = False
                     ) -> list[HolderDue]:
    """Each holder's next change per system, for many schools in a fixed number of queries,
    soonest first. A holder of several cycles of one system has one row: the earliest due
    date. ``before``: only those due before that day; ``overdue_only``: only overdue ones."""
    best, people = _earliest(school_ids, today, person_id)
    until = today if overdue_only else before
    dues = [HolderDue(person=people[pid], system=system, due_on=due.on,
                      estimated=due.estimated, overdue=due.on < today, reason=reason)
            for (_system_id, pid), (due, reason, system) in best.items()
            if until is None or due.on < until]
    return sorted(dues, key=lambda d: (d.due_on, d.system.name_key, d.person.name_key,
                                       d.person.pk))


def current_counts(*, school_ids: Iterable[int], today: date) -> dict[int, tuple[int, int]]:
    """{school id: (holders not overdue, holders)}, one per person and system."""
    best, people = _earliest(school_ids, today)
    counted: dict[int, list[int]] = {}
    for (_system_id, pid), (due, _reason, _system) in best.items():
        figures = counted.setdefault(people.school_of(pid), [0, 0])
        figures[1] += 1
        figures[0] += due.on >= today
    return {school_id: (met, total) for school_id, (met, total) in counted.items()}


def holder_dues(*, school: School, today: date, person: Person | None = None
                ) -> list[HolderDue]:
    """(person, system, due_on, estimated, overdue, reason) for each holder of the school's
    cycles (or one person), soonest first."""
    return dues_for_schools(school_ids=[school.pk], today=today,
                            person_id=None if person is None else person.pk)


def overdue_holders(*, school_ids: Iterable[int], today: date) -> list[HolderDue]:
    """The overdue holders of these schools, longest overdue first."""
    return dues_for_schools(school_ids=school_ids, today=today, overdue_only=True)


def own_systems(*, school: School, user: Any, today: date
                ) -> tuple[Person | None, list[HolderDue]]:
    """The signed-in user's person in the school and their systems as a holder."""
    from schoolkeep.people.selectors import person_for_user

    person = person_for_user(school=school, user=user)
    if person is None:
        return None, []
    return person, holder_dues(school=school, today=today, person=person)
