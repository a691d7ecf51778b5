"""The DfE's training rule for one school on one day, worked out from the records.

Who: every member of staff (``people.STAFF_KINDS``) who uses the school's network and has not
left. Which records count: a cyber security course's record (``Course.Topic.CYBER``, archived
courses included: the training still happened) that is not withdrawn, confirmed or said by the
person themselves and awaiting confirmation (the business manager has a duty to confirm those;
until then the person's word counts, and the page says it is unconfirmed).

A record stays valid until ``completed_on`` plus the course's ``valid_for_months``, but never
more than ``DFE_MONTHS`` (12: the DfE asks for training every year, so a course valid for 3
years still counts for one here) (``expiry``: 31 January plus one month is 28 or 29 February),
that last day included. Each person is:

- trained: a record valid today, not within ``SOON_DAYS`` of its end;
- expires soon: a record valid today that ends within ``SOON_DAYS``;
- expired: records, none valid today;
- induction: no record at all, and a new starter (started within the last 12 months, or
  starting later): due at their start plus the school's induction days, overdue after that;
- missing: no record at all and not a new starter (or no start date recorded).

The governor line: at least one governance person (``GOVERNANCE_KINDS``, network or not) who
has not left holds a record valid today. The rule is met when every person in scope is
trained or expires soon (an induction not yet due is not a failure) and a governor is trained.

``valid_on_q`` is the same validity in SQL, for duties and measures across many schools.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Least

from schoolkeep.people.models import Person
from schoolkeep.training.models import Course, TrainingRecord, TrainingSettings
from schoolkeep.training.rules.people import (
    GOVERNANCE_KINDS,
    RULE_FIELDS,
    STAFF_KINDS,
    network_users_q,
    not_left,
)

DFE_MONTHS = 12  # the DfE asks for training "every year": a longer validity counts for 12
SOON_DAYS = 30  # "expires soon" on the status page
NEW_STARTER_MONTHS = 12  # an untrained person who started this recently is "induction"
DEFAULT_INDUCTION_DAYS = TrainingSettings._meta.get_field("induction_days").default

TRAINED = "trained"
SOON = "soon"
EXPIRED = "expired"
INDUCTION = "induction"
MISSING = "missing"
STATE_LABELS = {TRAINED: "Trained", SOON: "Expires soon", EXPIRED: "Expired",
                INDUCTION: "New starter, not yet trained", MISSING: "Not trained"}


@lru_cache(maxsize=8192)  # a school's records share their days: worked out once each
def expiry(completed_on: date, months: int) -> date:
    """The last day a record is valid under the DfE's rule: the course's months, at most
    ``DFE_MONTHS`` (month ends clamp: 31 Jan + 1 month = 28/29 Feb)."""
    return completed_on + relativedelta(months=min(months, DFE_MONTHS))


def settings_for(school: Any) -> TrainingSettings:
    """The school's settings (``school`` an instance or its id), or the defaults (unsaved)
    when it has none."""
    school_id = getattr(school, "pk", school)
    return (TrainingSettings.objects.filter(school_id=school_id).first()
            or TrainingSettings(school_id=school_id))


# The cyber records the DfE's rule counts (see the module docstring).
COUNTING = Q(withdrawn_at__isnull=True, course__topic=Course.Topic.CYBER)


def counting_records(school_ids: list[int]) -> QuerySet[TrainingRecord]:
    """The counting records of these schools."""
    return TrainingRecord.objects.filter(COUNTING, school_id__in=school_ids)


def counting_records_of(person: Any) -> QuerySet[TrainingRecord]:
    """The counting records of ``person`` (an id, or ``OuterRef("pk")`` in a subquery)."""
    return TrainingRecord.objects.filter(COUNTING, person_id=person)


def valid_on_q(day: date, prefix: str = "") -> Q:
    """SQL: the record's expiry is ``day`` or later.

    In whole months: the expiry's month index (year * 12 + month of completion + months) is
    after ``day``'s, or the same month and the completion's day of month is ``day``'s or later
    (a clamped expiry day is the month's last, which is never before ``day``'s)."""
    index = day.year * 12 + day.month
    return (Q(**{f"{prefix}expiry_index__gt": index})
            | Q(**{f"{prefix}expiry_index": index, f"{prefix}completed_day__gte": day.day}))


def with_expiry(records: QuerySet[TrainingRecord]) -> QuerySet[TrainingRecord]:
    """``records`` annotated with what ``valid_on_q`` reads (months capped as ``expiry``)."""
    return records.annotate(
        expiry_index=ExpressionWrapper(
            ExtractYear("completed_on") * 12 + ExtractMonth("completed_on")
            + Least(F("course__valid_for_months"), Value(DFE_MONTHS)),
            output_field=IntegerField()),
        completed_day=ExtractDay("completed_on"))


def has_valid_record(day: date) -> Exists:
    """For a Person queryset: holds a counting record valid on ``day``."""
    return Exists(with_expiry(counting_records_of(OuterRef("pk"))).filter(valid_on_q(day)))


def new_starter_since(today: date) -> date:
    """A person starting on this day or later is a new starter."""
    return today - relativedelta(months=NEW_STARTER_MONTHS)


@dataclass
class PersonStatus:
    person: Person
    state: str
    valid_until: date | None = None  # the latest expiry of their records
    last_completed: date | None = None
    unconfirmed: bool = False  # the record that makes them trained awaits confirmation
    due_on: date | None = None  # induction: when it is due

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def overdue_induction(self) -> bool:
        return self.state == INDUCTION and self.due_on is not None and self.due_on < self.today

    today: date = field(default=date.min, repr=False)


@dataclass
class SchoolStatus:
    today: date
    induction_days: int
    people: list[PersonStatus]
    governors: list[PersonStatus]

    def _of(self, *states: str) -> list[PersonStatus]:
        return [row for row in self.people if row.state in states]

    @property
    def total(self) -> int:
        return len(self.people)

    @property
    def trained(self) -> list[PersonStatus]:
        return self._of(TRAINED, SOON)

    @property
    def soon(self) -> list[PersonStatus]:
        return self._of(SOON)

    @property
    def expired(self) -> list[PersonStatus]:
        return self._of(EXPIRED)

    @property
    def missing(self) -> list[PersonStatus]:
        return self._of(MISSING)

    @property
    def induction(self) -> list[PersonStatus]:
        return self._of(INDUCTION)

    @property
    def induction_overdue(self) -> list[PersonStatus]:
        return [row for row in self.induction if row.due_on is not None
                and row.due_on < self.today]

    @property
    def needing_training(self) -> list[PersonStatus]:
        """Everyone not trained, the most urgent first (expired, missing, overdue inductions,
        then inductions by due date)."""
        order = {EXPIRED: 0, MISSING: 1, INDUCTION: 2}
        rows = self._of(EXPIRED, MISSING, INDUCTION)
        return sorted(rows, key=lambda row: (order[row.state], row.due_on or date.min,
                                             row.person.name_key))

    @property
    def governors_trained(self) -> list[PersonStatus]:
        return [row for row in self.governors if row.state in (TRAINED, SOON)]

    @property
    def governor_met(self) -> bool:
        return bool(self.governors_trained)

    @property
    def staff_met(self) -> bool:
        return not self.expired and not self.missing and not self.induction_overdue

    @property
    def met(self) -> bool:
        return self.staff_met and self.governor_met


def _state(person: Person, records: list[tuple[date, date, bool]], *, today: date,
           induction_days: int) -> PersonStatus:
    """One person's state from their records (completed_on, valid_until, confirmed)."""
    if records:
        last = max(records, key=lambda r: (r[1], r[2]))
        valid = [r for r in records if r[1] >= today]
        if not valid:
            state = EXPIRED
        else:
            state = SOON if last[1] < today + timedelta(days=SOON_DAYS) else TRAINED
        unconfirmed = bool(valid) and not any(r[2] for r in valid)
        return PersonStatus(person=person, state=state, valid_until=last[1],
                            last_completed=max(r[0] for r in records),
                            unconfirmed=unconfirmed, today=today)
    start = person.start_date
    if start is not None and start >= new_starter_since(today):
        return PersonStatus(person=person, state=INDUCTION, today=today,
                            due_on=start + timedelta(days=induction_days))
    return PersonStatus(person=person, state=MISSING, today=today)


def school_status(school: Any, *, today: date, only: Person | None = None) -> SchoolStatus:
    """The DfE's rule for ``school`` (an instance or its id) on ``today``, in three queries
    whatever its size; ``only``: for that one person (My training), reading nobody else."""
    school_id = getattr(school, "pk", school)
    induction_days = settings_for(school_id).induction_days
    people_q = Person.objects.filter(
        Q(network_users_q(today), kind__in=STAFF_KINDS)
        | Q(not_left(today), kind__in=GOVERNANCE_KINDS), school_id=school_id)
    if only is not None:
        people_q = people_q.filter(pk=only.pk)
    people = list(people_q.only(*RULE_FIELDS).order_by("name_key", "id"))
    by_person: dict[int, list[tuple[date, date, bool]]] = defaultdict(list)
    # Every counting record of the school (people out of scope are ignored below): no long
    # IN list, and the index on (person, course, completed_on) is not needed for a school.
    counted = counting_records([school_id])
    if only is not None:
        counted = counted.filter(person_id=only.pk)
    rows = (counted
            .values_list("person_id", "completed_on", "course__valid_for_months", "confirmed_at")
            if people else [])
    for person_id, completed_on, months, confirmed_at in rows:
        by_person[person_id].append((completed_on, expiry(completed_on, months),
                                     confirmed_at is not None))
    staff: list[PersonStatus] = []
    governors: list[PersonStatus] = []
    for person in people:
        row = _state(person, by_person.get(person.pk, []), today=today,
                     induction_days=induction_days)
        (governors if person.kind in GOVERNANCE_KINDS else staff).append(row)
    return SchoolStatus(today=today, induction_days=induction_days, people=staff,
                        governors=governors)
