"""The RPA's training rule for its cyber cover, checked only for a school that says it is a
member (``TrainingSettings.rpa_member``).

Who: every employee (``EMPLOYEE_KINDS``) and governance person (``GOVERNANCE_KINDS``) who uses
the school's network and has not left.

What counts, precisely: a record of the NCSC's course (``Course.catalogue_key`` "ncsc_cyber")
that is not withdrawn, is confirmed (a record the person made themselves counts once the
business manager has confirmed it: the RPA asks for evidence), has a certificate attached, and
was completed within the 12 months before the start of the current RPA membership year or on or
after that start. "By the start of the membership year" is read so: training done in the year
before the start is what the RPA asks for; a person who completes it after the start (a new
starter, or someone late) meets the rule from that day, and is shown as late until then.

The membership year starts on the school's day and month (1 April by default; a 29, 30 or 31
that the month lacks means its last day); the current year is the one holding ``today``.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from schoolkeep.people.models import Person
from schoolkeep.training.models import TrainingRecord, TrainingSettings
from schoolkeep.training.rules.people import (
    EMPLOYEE_KINDS,
    GOVERNANCE_KINDS,
    RULE_FIELDS,
    network_users_q,
)

NCSC_KEY = "ncsc_cyber"

MET = "met"
NO_CERTIFICATE = "no-certificate"
UNCONFIRMED = "unconfirmed"
TOO_OLD = "too-old"
NONE = "none"
REASONS = {
    MET: "Completed, with a certificate",
    NO_CERTIFICATE: "Completed, but no certificate is attached",
    UNCONFIRMED: "Recorded by themselves, awaiting confirmation",
    TOO_OLD: "Completed before the 12 months that count",
    NONE: "Not completed",
}


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def year_start(settings: TrainingSettings, today: date) -> date:
    """The start of the RPA membership year holding ``today``."""
    month, day = settings.rpa_year_start_month, settings.rpa_year_start_day
    this_year = _on(today.year, month, day)
    return this_year if this_year <= today else _on(today.year - 1, month, day)


def counts_from(start: date) -> date:
    """The earliest completion that counts for the year starting on ``start``."""
    return start - relativedelta(months=12)


@dataclass
class RpaRow:
    person: Person
    reason: str
    completed_on: date | None = None
    record: TrainingRecord | None = None
    late: bool = False  # met, but completed on or after the year's start (shown as late)

    @property
    def met(self) -> bool:
        return self.reason == MET

    @property
    def label(self) -> str:
        return REASONS[self.reason]


@dataclass
class RpaStatus:
    year_start: date
    counts_from: date
    rows: list[RpaRow]

    @property
    def done(self) -> list[RpaRow]:
        return [row for row in self.rows if row.met]

    @property
    def not_done(self) -> list[RpaRow]:
        return [row for row in self.rows if not row.met]

    @property
    def met(self) -> bool:
        return not self.not_done

    def late(self, row: RpaRow) -> bool:
        """Met, but only after the year started."""
        return row.late


# The better of two records: a met one, then one needing only a confirmation or certificate.
_RANK = {MET: 0, UNCONFIRMED: 1, NO_CERTIFICATE: 2, TOO_OLD: 3, NONE: 4}


def _reason(record: TrainingRecord, earliest: date) -> str:
    if record.completed_on < earliest:
        return TOO_OLD
    if record.confirmed_at is None:
        return UNCONFIRMED
    if not record.certificate_stored_name:
        return NO_CERTIFICATE
    return MET


def rpa_status(school: Any, settings: TrainingSettings, *, today: date,
               only: Person | None = None) -> RpaStatus:
    """Each person the RPA's rule asks for, with whether they meet it (two queries);
    ``only``: for that one person (My training), reading nobody else."""
    start = year_start(settings, today)
    earliest = counts_from(start)
    people_q = Person.objects.filter(network_users_q(today), school=school,
                                     kind__in=[*EMPLOYEE_KINDS, *GOVERNANCE_KINDS])
    records_q = TrainingRecord.objects.filter(
        school=school, withdrawn_at__isnull=True, course__catalogue_key=NCSC_KEY,
        completed_on__lte=today)
    if only is not None:
        people_q, records_q = people_q.filter(pk=only.pk), records_q.filter(person=only)
    people = list(people_q.only(*RULE_FIELDS).order_by("name_key", "id"))
    records: dict[int, list[TrainingRecord]] = defaultdict(list)
    if people:
        for record in records_q.order_by("-completed_on", "-id"):
            records[record.person_id].append(record)
    rows = []
    for person in people:
        best = RpaRow(person=person, reason=NONE)
        for record in records.get(person.pk, []):
            reason = _reason(record, earliest)
            if _RANK[reason] < _RANK[best.reason]:
                best = RpaRow(person=person, reason=reason, completed_on=record.completed_on,
                              record=record)
        best.late = (best.met and best.completed_on is not None
                     and best.completed_on >= start)
        rows.append(best)
    return RpaStatus(year_start=start, counts_from=earliest, rows=rows)
