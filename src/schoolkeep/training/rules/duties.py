"""Duties of the DfE's training rule (module ``training``), computed when read; all fall to
the business manager. The rule itself is ``status.py``; this module asks it in two forms.

- ``training.expired``: a member of staff in scope whose records have all ended (overdue) or
  all end before the horizon (due on the last day of the latest);
- ``training.missing``: a member of staff in scope with no record and not a new starter:
  overdue (due on their start plus the induction days, or the day they were added);
- ``training.induction``: a new starter with no record, due on their start plus the school's
  induction days once that is before the horizon, overdue after it;
- ``training.no-governor``: a school with people in scope or governors where no governor's
  record is valid on the horizon (overdue when none is valid today).

``counts`` is two queries for any number of schools: the schools' own induction days (a small
read of the settings rows), then ONE aggregate over their people grouped by school and by
their facts as bits (each fact, such as "holds a record valid today", worked out once per
person, the validity of records tested in SQL by ``status.valid_on_q``), added up here.
``for_school`` runs the rule of ``status.school_status`` (three queries) and lists at most
``LIMIT`` duties of each kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts, local_date, status_for
from schoolkeep.people.models import Person
from schoolkeep.tenancy.roles import Role
from schoolkeep.training.models import TrainingSettings
from schoolkeep.training.rules import status as rule
from schoolkeep.training.rules.people import (
    GOVERNANCE_KINDS,
    STAFF_KINDS,
    network_users_q,
    not_left,
)

MODULE = "training"
EXPIRED = f"{MODULE}.expired"
MISSING = f"{MODULE}.missing"
INDUCTION = f"{MODULE}.induction"
NO_GOVERNOR = f"{MODULE}.no-governor"
LIMIT = 1000  # duties of each kind listed for one school

TITLES = {
    EXPIRED: "Renew cyber security training: it has expired or ends soon",
    MISSING: "Arrange cyber security training for a member of staff",
    INDUCTION: "Train a new member of staff in cyber security at induction",
    NO_GOVERNOR: "Arrange cyber security training for at least one governor",
}


# The facts ``counts`` reads of each person, one bit each.
STAFF, GOVERNANCE, ANY_RECORD, VALID_TODAY, VALID_UNTIL = 1, 2, 4, 8, 16
NEW_STARTER, BEFORE_LATE_TODAY, BEFORE_LATE_UNTIL = 32, 64, 128
_FIGURES = ("expired_overdue", "expired_due", "missing", "induction_overdue", "induction_due",
            "governors_today", "governors_until")


def _figures_of(bits: int) -> list[str]:
    """The figures a person with these facts counts in (as ``counts`` adds them up)."""
    def has(bit: int) -> bool:
        return bool(bits & bit)

    figures = []
    if has(STAFF):
        if has(ANY_RECORD) and not has(VALID_TODAY):
            figures.append("expired_overdue")
        if has(VALID_TODAY) and not has(VALID_UNTIL):
            figures.append("expired_due")
        if not has(ANY_RECORD):
            if not has(NEW_STARTER):
                figures.append("missing")
            elif has(BEFORE_LATE_TODAY):
                figures.append("induction_overdue")
            elif has(BEFORE_LATE_UNTIL):
                figures.append("induction_due")
    if has(GOVERNANCE):
        if has(VALID_TODAY):
            figures.append("governors_today")
        if has(VALID_UNTIL):
            figures.append("governors_until")
    return figures


def _day_key(day: date) -> int:
    """``day`` as the key ``_record_facts`` compares: month index * 32 + day of month."""
    return (day.year * 12 + day.month) * 32 + day.day


def _record_facts(today: date, until: date) -> Coalesce:
    """SQL, for a Person queryset: the bits ANY_RECORD, VALID_TODAY and VALID_UNTIL from ONE
    subquery of the person's counting records. A record is valid on a day when its expiry's
    (month index, day of month) is that day's or later (``status.valid_on_q``), so comparing
    the latest key (month index * 32 + day, the day being 1 to 31) with the day's says it."""
    latest = Max(F("expiry_index") * 32 + F("completed_day"))
    code = Case(When(GreaterThanOrEqual(latest, _day_key(until)),
                     then=Value(ANY_RECORD | VALID_TODAY | VALID_UNTIL)),
                When(GreaterThanOrEqual(latest, _day_key(today)),
                     then=Value(ANY_RECORD | VALID_TODAY)),
                default=Value(ANY_RECORD))
    records = (rule.with_expiry(rule.counting_records_of(OuterRef("pk")))
               .order_by().values("person_id").annotate(code=code).values("code"))
    return Coalesce(Subquery(records), Value(0))


class TrainingDuties:
    module = MODULE
    label = "Cyber security training"
    view_permission = "training.view"
    kind_labels = {
        MISSING: "Staff never trained in cyber security",
        EXPIRED: "Cyber security training expired or ending",
        INDUCTION: "New staff to train at induction",
        NO_GOVERNOR: "No governor trained in cyber security",
    }

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = list(school_ids)
        if not ids:
            return {}
        today, until = local_date(now), local_date(horizon)
        days = (TrainingSettings.objects.filter(school_id__in=ids)
                .exclude(induction_days=rule.DEFAULT_INDUCTION_DAYS)
                .values_list("school_id", "induction_days"))
        late_today, late_until = _cases(dict(days), today, until)
        staff = Q(network_users_q(today), kind__in=STAFF_KINDS)
        # A person's facts as bits, each worked out once per person (counting with a filter
        # per figure repeated each record subquery in every filter: nine per person, three
        # seconds for 200 schools on PostgreSQL; now one), then counted by school and bits.
        facts = {
            STAFF: staff,
            GOVERNANCE: Q(kind__in=GOVERNANCE_KINDS),
            # Written out so a missing start date is "not a new starter" on every database.
            NEW_STARTER: Q(start_date__isnull=False,
                           start_date__gte=rule.new_starter_since(today)),
            BEFORE_LATE_TODAY: Q(start_date__lt=late_today),
            BEFORE_LATE_UNTIL: Q(start_date__lt=late_until),
        }
        bits = sum((Case(When(condition, then=Value(bit)), default=Value(0))
                    for bit, condition in facts.items()), _record_facts(today, until))
        rows = (Person.objects.filter(not_left(today), school_id__in=ids)
                .filter(staff | Q(kind__in=GOVERNANCE_KINDS))
                .annotate(bits=bits).order_by().values("school_id", "bits")
                .annotate(people=Count("pk")).values_list("school_id", "bits", "people"))
        tallies: dict[int, dict[str, int]] = {}
        for school_id, value, people in rows:
            tally = tallies.setdefault(school_id, dict.fromkeys(_FIGURES, 0))
            for figure in _figures_of(value):
                tally[figure] += people
        found: dict[int, DutyCounts] = {}
        for school_id, tally in tallies.items():
            counts = DutyCounts(
                due=tally["expired_due"] + tally["induction_due"],
                overdue=tally["expired_overdue"] + tally["missing"]
                + tally["induction_overdue"])
            if not tally["governors_until"]:
                counts += DutyCounts.of(DUE if tally["governors_today"] else OVERDUE)
            if counts.total:
                found[school_id] = counts
        return found

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today, until = local_date(now), local_date(horizon)
        found = rule.school_status(school_id, today=today)
        # Reversed once for every person's duty (hundreds in a large school).
        urls = (reverse("training:record-create"), reverse("training:status"))
        expired, missing, induction = [], [], []
        for row in found.people:
            if row.valid_until is not None and row.valid_until < until:
                expired.append(self._person_duty(EXPIRED, row, row.valid_until, urls,
                                                 status_for(row.valid_until, now)))
            elif row.state == rule.MISSING:
                person = row.person
                due = (person.start_date + timedelta(days=found.induction_days)
                       if person.start_date else local_date(person.created_at))
                missing.append(self._person_duty(MISSING, row, due, urls, OVERDUE))
            elif row.state == rule.INDUCTION and row.due_on is not None and row.due_on < until:
                induction.append(self._person_duty(INDUCTION, row, row.due_on, urls,
                                                   status_for(row.due_on, now)))
        duties = [*expired[:LIMIT], *missing[:LIMIT], *induction[:LIMIT]]
        if found.people or found.governors:
            ends = [g.valid_until for g in found.governors if g.valid_until is not None]
            last = max(ends, default=None)
            if last is None or last < until:
                if last is not None and last >= today:
                    duties.append(self._governor_duty(school_id, last, DUE))
                else:
                    duties.append(self._governor_duty(school_id, today, OVERDUE))
        return duties

    def _person_duty(self, kind: str, row: rule.PersonStatus, due: date,
                     urls: tuple[str, str], status: str) -> Duty:
        person = row.person
        record_url, status_url = urls
        subject = {
            EXPIRED: f"{person.full_name}: cyber security training valid until "
                     f"{due:%d/%m/%Y}",
            MISSING: f"{person.full_name}: no cyber security training recorded",
            INDUCTION: f"{person.full_name}: new starter, to be trained by {due:%d/%m/%Y}",
        }[kind]
        return Duty(
            key=f"{kind}:{person.public_id}", module=MODULE, title=TITLES[kind],
            subject=subject, due_at=due, status=status,
            url=f"{record_url}?person={person.public_id}",
            permission="training.manage", oversight_url=status_url,
            oversight_permission="training.view", owner_role=Role.BUSINESS_MANAGER,
            action="Record their training", order_at=person.created_at)

    def _governor_duty(self, school_id: int, due: date, status: str) -> Duty:
        return Duty(
            key=f"{NO_GOVERNOR}:{school_id}", module=MODULE, title=TITLES[NO_GOVERNOR],
            subject="No governor or trustee holds cyber security training that is still valid",
            due_at=due, status=status, url=reverse("training:status"),
            permission="training.view", owner_role=Role.BUSINESS_MANAGER,
            action="See who is trained")


def _cases(days: dict[int, int], today: date, until: date) -> tuple[Case, Case]:
    """SQL: the start date before which an untrained new starter is overdue (today minus the
    school's induction days), and before which one is due within the horizon."""
    by_days: dict[int, list[int]] = {}
    for school_id, number in days.items():
        by_days.setdefault(number, []).append(school_id)

    def case(day: date) -> Case:
        whens = [When(school_id__in=ids, then=Value(day - timedelta(days=number)))
                 for number, ids in sorted(by_days.items())]
        return Case(*whens, default=Value(day - timedelta(days=rule.DEFAULT_INDUCTION_DAYS)),
                    output_field=DateField())

    return case(today), case(until)


provider = TrainingDuties()


def register() -> None:
    register_provider(provider)
