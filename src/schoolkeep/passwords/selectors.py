"""Reads of the password change cycles: who holds each cycle, when each holder last changed
their password, and when they must change it next.

A cycle's holders are its named people and the current people whose user is an active member
of its access label. A holder's change counts for every cycle of the system they hold. Their
due date is the cycle's next one (``duties.cadence.next_due``), or sooner: the due date of the
earliest open forced change (a possible compromise) of the system raised after their last
change.

Every function reads a fixed number of queries whatever the number of schools, cycles and
holders: one per table for all the schools asked, and one for all their term dates
(``duties.cadence.calendars_for``); the due dates are then worked out in Python (the termly
rule: a holiday counts for the next term, estimated terms). The lists of those due before a
day (overdue holders, the duties within the horizon) first choose in SQL, in one query, the
holders whose due date may be before that day (``_candidates``: see "in SQL" below), and
work out the due dates of those only.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import F, Max
from django.utils import timezone

from schoolkeep.assets.models import AccessLabel
from schoolkeep.duties.cadence import (
    EVERY_N_DAYS,
    TERMLY,
    YEARLY,
    DueDate,
    add_years,
    calendars_for,
    next_due,
    years_around,
)
from schoolkeep.passwords.models import Cadence, ForcedChange, PasswordChange, PasswordCycle
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.models import System
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import Membership, School, Term

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


# ---------------------------------------------------------------------------- in SQL
#
# Whether a due date falls before a day ``until`` needs no due date worked out:
# - every N days: the last change counted (on or after the cycle's start; else the start)
#   plus N days is before ``until``;
# - once a year: that day is on or before ``last_yearly_day(until)``;
# - once a term (a change covers its term, a holiday counting for the term that follows; the
#   next change is due at the end of the following term): with E1 and E2 the last days of the
#   two latest terms of the school that end before ``until``, the cycle started on or before
#   E1 and the counted change, if any, is on or before E2. A change on or after the start of
#   the term before the one ``until`` falls in (or in the holiday before it) is not due.
# The school's terms are read as ``TermCalendar`` reads them, year by year: its own dates for
# a year, else its trust's, else the estimated default pattern (literals computed here).


def last_yearly_day(until: date) -> date:
    """The last day whose next anniversary (``add_years(day, 1)``) is before ``until``."""
    day = add_years(until - timedelta(days=1), -1)
    if add_years(day + timedelta(days=1), 1) < until:  # 29 February of a leap year
        day += timedelta(days=1)
    return day


def sql_tables() -> dict[str, str]:
    """The tables the SQL below reads, named by the models."""
    return {
        "cycle": PasswordCycle._meta.db_table,
        "holders": PasswordCycle.holders.through._meta.db_table,
        "label_members": AccessLabel.members.through._meta.db_table,
        "membership": Membership._meta.db_table,
        "person": Person._meta.db_table,
        "system": System._meta.db_table,
        "change": PasswordChange._meta.db_table,
        "forced": ForcedChange._meta.db_table,
        "school": School._meta.db_table,
        "term": Term._meta.db_table,
    }


def held_cte(t: dict[str, str]) -> str:
    """The CTE ``held``: who holds each cycle of the CTE ``cyc`` (its named holders, and the
    people of its access label's active members at the school). Its one parameter is the
    membership's ``is_active`` (True). Shared by the overdue list's and the measure's SQL."""
    return f"""held AS (
    SELECT h.passwordcycle_id AS cycle_id, h.person_id FROM {t['holders']} h
    WHERE h.passwordcycle_id IN (SELECT id FROM cyc)
    UNION
    SELECT cyc.id, p.id FROM cyc
    JOIN {t['label_members']} lm ON lm.accesslabel_id = cyc.holders_label_id
    JOIN {t['membership']} m ON m.id = lm.membership_id AND m.is_active = %s
    JOIN {t['person']} p ON p.user_id = m.user_id AND p.school_id = m.school_id
)"""  # noqa: S608  # nosec B608 - only table names and a placeholder formatted in


def sql_day() -> str:
    """A date parameter's placeholder (typed on PostgreSQL, where it may stand alone)."""
    return "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"


def term_ends_ctes(school_ids: list[int], until: date) -> tuple[str, list[Any]]:
    """CTEs ``sch`` (the schools) and ``ends`` (school_id, e1, e2: the last days of the
    school's two latest terms ending before ``until``; NULL where there are none)."""
    t, day = sql_tables(), sql_day()
    adapt = connection.ops.adapt_datefield_value
    ids = ", ".join(["%s"] * len(school_ids))
    years = [until.year - 2, until.year - 1, until.year]
    year_list = ", ".join(["%s"] * len(years))
    defaults = [(year, ends_on) for year in years
                for _starts_on, ends_on in default_term_dates(year).values()]
    default_rows = " UNION ALL ".join([f"SELECT %s AS academic_year, {day} AS ends_on"]
                                      * len(defaults))
    sql = f"""
sch AS (SELECT s.id, s.organisation_id FROM {t['school']} s WHERE s.id IN ({ids})),
dflt AS ({default_rows}),
eff AS (
    SELECT sch.id AS school_id, tm.ends_on FROM sch
    JOIN {t['term']} tm ON tm.school_id = sch.id AND tm.academic_year IN ({year_list})
    UNION ALL
    SELECT sch.id, tm.ends_on FROM sch
    JOIN {t['term']} tm ON tm.organisation_id = sch.organisation_id AND tm.school_id IS NULL
        AND tm.academic_year IN ({year_list})
    WHERE NOT EXISTS (SELECT 1 FROM {t['term']} o WHERE o.school_id = sch.id
                      AND o.academic_year = tm.academic_year)
    UNION ALL
    SELECT sch.id, d.ends_on FROM sch CROSS JOIN dflt d
    WHERE NOT EXISTS (SELECT 1 FROM {t['term']} o WHERE o.school_id = sch.id
                      AND o.academic_year = d.academic_year)
      AND NOT EXISTS (SELECT 1 FROM {t['term']} o WHERE o.school_id IS NULL
                      AND o.organisation_id = sch.organisation_id
                      AND o.academic_year = d.academic_year)
),
ranked AS (
    SELECT school_id, ends_on,
           ROW_NUMBER() OVER (PARTITION BY school_id ORDER BY ends_on DESC) AS n
    FROM eff WHERE ends_on < {day}
),
ends AS (
    SELECT school_id, MAX(CASE WHEN n = 1 THEN ends_on END) AS e1,
           MAX(CASE WHEN n = 2 THEN ends_on END) AS e2
    FROM ranked WHERE n <= 2 GROUP BY school_id
)"""  # noqa: S608  # nosec B608 - only table names and placeholders formatted in
    params: list[Any] = [*school_ids]
    for year, ends_on in defaults:
        params += [year, adapt(ends_on)]
    params += years + years + [adapt(until)]
    return sql, params


def due_before_sql(until: date) -> tuple[str, list[Any]]:
    """A condition on a row ``x`` (cadence, every_days, starts_on, last, base, e1, e2 as
    ``term_ends_ctes`` computed them for ``until``): its cycle's due date is before ``until``
    (compromises aside)."""
    day = sql_day()
    if connection.vendor == "postgresql":
        every_n = f"(x.base + x.every_days) < {day}"
    else:
        every_n = f"date(x.base, '+' || x.every_days || ' days') < {day}"
    adapt = connection.ops.adapt_datefield_value
    sql = f"""(
    (x.cadence = %s AND {every_n})
    OR (x.cadence = %s AND x.base <= {day})
    OR (x.cadence = %s AND x.starts_on <= x.e1
        AND (x.last IS NULL OR x.last < x.starts_on OR x.last <= x.e2)))"""
    return sql, [EVERY_N_DAYS, adapt(until), YEARLY, adapt(last_yearly_day(until)), TERMLY]


def raised_on_sql(column: str) -> tuple[str, list[Any]]:
    """The local day of a forced change's ``raised_at``."""
    sql, params = connection.ops.datetime_cast_date_sql(column, (), settings.TIME_ZONE)
    return sql, list(params)


def _to_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _candidates(cycles: list[PasswordCycle], school_ids: list[int], today: date, until: date,
                person_id: int | None = None
                ) -> tuple[dict[int, set[int]], _People, dict[tuple[int, int], date]]:
    """As ``_holders`` and ``last_changes``, but only the holders of each cycle whose due date
    there may be before ``until`` (their cycle's, or an open compromise's): ONE query, the
    comparison made in SQL; the due dates are then worked out for these few only."""
    by_cycle: dict[int, set[int]] = {c.pk: set() for c in cycles}
    people = _People()
    latest: dict[tuple[int, int], date] = {}
    if not cycles:
        return by_cycle, people, latest
    t, day = sql_tables(), sql_day()
    adapt = connection.ops.adapt_datefield_value
    ids = ", ".join(["%s"] * len(school_ids))
    cycle_ids = ", ".join(["%s"] * len(cycles))
    ends_sql, ends_params = term_ends_ctes(school_ids, until)
    due_sql, due_params = due_before_sql(until)
    raised_on, raised_params = raised_on_sql("f.raised_at")
    columns = [f.column for f in Person._meta.concrete_fields if f.attname in _PERSON_FIELDS]
    person_columns = ", ".join(f"p.{column}" for column in columns)
    x_columns = ", ".join(f"x.{column}" for column in columns)
    one_person = "AND p.id = %s" if person_id is not None else ""
    sql = f"""
WITH {ends_sql},
cyc AS (
    SELECT c.id, c.system_id, c.cadence, c.every_days, c.starts_on, c.holders_label_id
    FROM {t['cycle']} c WHERE c.id IN ({cycle_ids})
),
{held_cte(t)},
pc AS (
    SELECT held.cycle_id, cyc.system_id, cyc.cadence, cyc.every_days, cyc.starts_on,
           {person_columns}
    FROM held JOIN cyc ON cyc.id = held.cycle_id JOIN {t['person']} p ON p.id = held.person_id
    WHERE p.school_id IN ({ids}) AND (p.leaving_date IS NULL OR p.leaving_date > {day})
          {one_person}
),
latest AS (
    SELECT ch.system_id, ch.person_id, MAX(ch.changed_on) AS last FROM {t['change']} ch
    WHERE ch.school_id IN ({ids}) AND ch.system_id IN (SELECT system_id FROM cyc)
    GROUP BY ch.system_id, ch.person_id
),
x AS (
    SELECT pc.*, latest.last, ends.e1, ends.e2,
           CASE WHEN latest.last IS NOT NULL AND latest.last >= pc.starts_on
                THEN latest.last ELSE pc.starts_on END AS base
    FROM pc
    LEFT JOIN latest ON latest.system_id = pc.system_id AND latest.person_id = pc.id
    LEFT JOIN ends ON ends.school_id = pc.school_id
)
SELECT x.cycle_id, x.system_id, x.last, {x_columns} FROM x
WHERE {due_sql}
   OR EXISTS (SELECT 1 FROM {t['forced']} f
              WHERE f.school_id IN ({ids}) AND f.system_id = x.system_id
                AND f.reason = %s AND f.settled_at IS NULL AND f.due_on < {day}
                AND (x.last IS NULL OR x.last < {raised_on}))
"""  # noqa: S608  # nosec B608 - only table names, columns and placeholders formatted in
    params: list[Any] = [*ends_params, *[c.pk for c in cycles], True, *school_ids,
                         adapt(today)]
    if person_id is not None:
        params.append(person_id)
    params += [*school_ids, *due_params, *school_ids, COMPROMISE, adapt(until),
               *raised_params]
    public_at = _PERSON_FIELDS.index("public_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for cycle_id, system_id, last, *values in cursor.fetchall():
            pid = values[0]
            by_cycle[cycle_id].add(pid)
            if pid not in people.values:
                if isinstance(values[public_at], str):  # SQLite
                    values[public_at] = uuid.UUID(values[public_at])
                people.values[pid] = tuple(values)
            if last is not None:
                latest[(system_id, pid)] = _to_date(last)  # type: ignore[assignment]
    return by_cycle, people, latest


# (person pk, last change, due date, reason) of each holder of a cycle
Computed = list[tuple[int, date | None, DueDate | None, str]]


def _computed(cycles: list[PasswordCycle], today: date, person_id: int | None = None,
              until: date | None = None
              ) -> tuple[list[tuple[PasswordCycle, Computed]], _People]:
    """Each cycle with its holders' last change and due date (no Person built yet); with
    ``until``, only the holders whose due date may be before that day (``_candidates``)."""
    if not cycles:
        return [], _People()
    school_ids = sorted({c.school_id for c in cycles})
    if until is not None:
        by_cycle, people, latest = _candidates(cycles, school_ids, today, until, person_id)
    else:
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


def _earliest(school_ids: Iterable[int], today: date, person_id: int | None = None,
              until: date | None = None
              ) -> tuple[dict[tuple[int, int], tuple[DueDate, str, System]], _People]:
    """{(system pk, person pk): (the earliest due date, its reason, the system)}; with
    ``until``, at least every one due before that day."""
    cycles = _cycles(school_ids=sorted(set(school_ids)))
    computed, people = _computed(cycles, today, person_id, until)
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
    until = today if overdue_only else before
    best, people = _earliest(school_ids, today, person_id, until)
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
