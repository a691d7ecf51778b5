"""Reads about training records: the school's list (filtered by course, person, kind of
person and state; paginated), one record for its page, the people a session may record, and
a member's own training (their records, each course's standing for them, and where they
stand on the training rules, read from training/rules so it agrees with the status page).

A record stays valid for its course's months from the day completed; it is expired after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from schoolkeep.people.models import Person
from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.rules.rpa import NONE as RPA_NONE
from schoolkeep.training.rules.rpa import TOO_OLD as RPA_TOO_OLD
from schoolkeep.training.rules.rpa import RpaRow, rpa_status
from schoolkeep.training.rules.status import (
    EXPIRED,
    INDUCTION,
    MISSING,
    PersonStatus,
    school_status,
    settings_for,
)

CURRENT, AWAITING, WITHDRAWN, EVERY = "", "awaiting", "withdrawn", "every"
STATES = [(CURRENT, "Records in force"), (AWAITING, "Awaiting confirmation"),
          (WITHDRAWN, "Withdrawn"), (EVERY, "Every record")]
CYBER_KEY = "ncsc_cyber"


def expires_on(completed_on: date, months: int) -> date:
    """The last day a record is valid: ``months`` after the day it was completed."""
    return completed_on + relativedelta(months=months)


def record_list(*, school: Any, state: str = CURRENT, course: Course | None = None,
                person: Person | None = None, kind: str = "") -> QuerySet[TrainingRecord]:
    """The school's records with their people and courses, latest first."""
    records = TrainingRecord.objects.filter(school=school).select_related("person", "course")
    if state == AWAITING:
        records = records.filter(confirmed_at__isnull=True, withdrawn_at__isnull=True)
    elif state == WITHDRAWN:
        records = records.filter(withdrawn_at__isnull=False)
    elif state != EVERY:
        records = records.filter(withdrawn_at__isnull=True)
    if course is not None:
        records = records.filter(course=course)
    if person is not None:
        records = records.filter(person=person)
    if kind:
        records = records.filter(person__kind=kind)
    return records.order_by("-completed_on", "-id")


def record_page(records: QuerySet[TrainingRecord], *, number: Any,
                per_page: int = 50) -> Page:
    """One page of ``record_list``: two queries (the count, the rows)."""
    return Paginator(records, per_page).get_page(number)


def record_for_page(*, school: Any, public_id: UUID | str) -> TrainingRecord:
    """One record of the school with its person and course; another school's: 404."""
    return get_for_school_or_404(TrainingRecord.objects.select_related("person", "course"),
                                 school=school, public_id=public_id)


def session_people(*, school: Any, today: date, kind: str = "") -> list[Person]:
    """The people a session may record: not left today, by name (one query)."""
    people = Person.objects.filter(school=school).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
    if kind:
        people = people.filter(kind=kind)
    return list(people.only("public_id", "full_name", "kind", "job_title", "leaving_date",
                            "school_id", "name_key").order_by("name_key", "id"))


@dataclass(frozen=True)
class CourseStanding:
    """How one course stands for one person: their latest record of it (if any)."""

    course: Course
    latest: TrainingRecord | None
    expires: date | None
    expired: bool
    needed: bool  # the training rules say this person still needs this course

    @property
    def awaiting(self) -> bool:
        return self.latest is not None and self.latest.confirmed_at is None


@dataclass(frozen=True)
class RulesStanding:
    """Where a person stands on the training rules, as the status and RPA pages show it."""

    dfe: PersonStatus | None  # None: the DfE's rule does not ask this person
    rpa: RpaRow | None  # None: the school is not an RPA member, or the RPA does not ask them

    @property
    def dfe_needs_training(self) -> bool:
        return self.dfe is not None and self.dfe.state in (EXPIRED, MISSING, INDUCTION)

    @property
    def rpa_needs_course(self) -> bool:
        return self.rpa is not None and self.rpa.reason in (RPA_NONE, RPA_TOO_OLD)


def rules_standing(*, school: Any, person: Person, today: date) -> RulesStanding:
    """The person's row of the DfE's rule and, for an RPA member school, of the RPA's rule,
    from the rules' own functions (so My training never disagrees with the status page),
    reading this person's rows only: constant queries and work, whatever the school's size."""
    status = school_status(school, today=today, only=person)
    dfe = next(iter([*status.people, *status.governors]), None)
    settings = settings_for(school)
    rpa = None
    if settings.rpa_member:
        rpa = next(iter(rpa_status(school, settings, today=today, only=person).rows), None)
    return RulesStanding(dfe=dfe, rpa=rpa)


def _course_key(course: Course) -> Any:
    # A catalogue course archived and added again is the same training: match it by its key.
    return course.catalogue_key or course.pk


def own_training(*, school: Any, person: Person, today: date
                 ) -> tuple[list[TrainingRecord], list[CourseStanding], RulesStanding]:
    """A member's records (every one, withdrawn too, latest first), for each course in use
    where they stand, and where they stand on the training rules: constant queries."""
    records = list(TrainingRecord.objects.filter(school=school, person=person)
                   .select_related("course").order_by("-completed_on", "-id"))
    courses = list(Course.objects.filter(school=school, archived_at__isnull=True)
                   .order_by("name_key", "id"))
    rules = rules_standing(school=school, person=person, today=today)
    latest: dict[Any, TrainingRecord] = {}
    for record in records:  # latest first: the first of each course is its latest
        if record.withdrawn_at is None:
            latest.setdefault(_course_key(record.course), record)
    standings = []
    for course in courses:
        found = latest.get(_course_key(course))
        expires = (expires_on(found.completed_on, course.valid_for_months)
                   if found else None)
        ncsc = course.catalogue_key == CYBER_KEY
        standings.append(CourseStanding(
            course=course, latest=found, expires=expires,
            expired=expires is not None and expires < today,
            needed=ncsc and (rules.dfe_needs_training or rules.rpa_needs_course)))
    return records, standings, rules
