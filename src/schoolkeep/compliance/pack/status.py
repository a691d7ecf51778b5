"""Terms and the governor pack's termly rhythm: which term a pack is for, when the governing
body is next due to receive one, and whether this term's has been received.

- A pack is for a term of the school's calendar (``tenancy.calendar.TermCalendar``: the
  school's own dates, else its trust's, else the estimated default). ``current_term`` is the
  term a day is in (a day in the holidays belongs to the term that follows);
  ``term_by_label`` reads a label such as "Autumn 2026" (None when it is not a term).
- The governing body receives a pack once a term (``duties.cadence`` TERMLY): the next is
  due on the last day of the term after the one in which the latest was received (a
  meeting in the holidays counts for the term that follows). A school that has never
  recorded one is due from the day it started using Schoolkeep, so a school that never
  reports to its governors is overdue after its first term (``pack_dues``: the duty
  ``governor_pack.due``).
- "This term's pack was received" means that duty is not overdue and a pack was ever
  received: the latest was received this term or last term (``received_this_term``, and the
  measure ``governor_pack.received``). In SQL that is: at most one term of the school's
  calendar ended on or after the day it was received and before today.

``pack_dues`` reads two queries whatever the number of schools (the schools, their terms:
``known_terms``, which works the default pattern out rather than saving it, so the first
read of a year costs nothing more); ``standings`` and ``received_this_term`` read ONE.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from schoolkeep.compliance.models import GovernorPack
from schoolkeep.duties.cadence import TERMLY, DueDate, next_due, years_around
from schoolkeep.duties.types import count_subquery
from schoolkeep.tenancy.calendar import TermCalendar, default_term_dates, pick_term, term_label
from schoolkeep.tenancy.models import School, Term

# The earliest day the termly calculation counts from (the services refuse earlier days).
EARLIEST_DAY = date(2000, 1, 1)


@dataclass(frozen=True)
class TermInfo:
    """A term of one school's calendar, as the pack and its pages name it."""

    label: str  # "Autumn 2026"
    name: str  # "autumn"
    academic_year: int  # 2026 for Autumn 2026, Spring 2027 and Summer 2027
    starts_on: date
    ends_on: date
    estimated: bool  # the default pattern, not dates the school or its trust gave

    @classmethod
    def of(cls, term: Term) -> TermInfo:
        return cls(label=term_label(term.name, term.academic_year), name=term.name,
                   academic_year=term.academic_year, starts_on=term.starts_on,
                   ends_on=term.ends_on, estimated=bool(term.estimated))

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def current_term(school: School, today: date, *, calendar: TermCalendar | None = None
                 ) -> TermInfo:
    """The term ``today`` is in for this school (a holiday day: the term that follows)."""
    return TermInfo.of((calendar or TermCalendar(school)).term_for_date(today))


def term_by_label(school: School, label: str, *, calendar: TermCalendar | None = None
                  ) -> TermInfo | None:
    """The school's term called ``label`` ("Autumn 2026", "spring term 2027"); None when the
    words are not a term or its year is outside the years Schoolkeep handles."""
    try:
        term = (calendar or TermCalendar(school)).term_named(label)
    except (ValueError, LookupError):
        return None
    return TermInfo.of(term)


# --- the duty's due date (Python, one school's calendar at a time) --------------------------


@dataclass(frozen=True)
class PackDue:
    """When a school's governing body is next due to receive a governor pack."""

    school_id: int
    last_received: date | None  # the latest ``received_on`` of any of its packs
    due: DueDate  # the last day of ``term``
    term: TermInfo  # the term whose pack is due
    current: TermInfo  # the term today is in
    today: date

    @property
    def overdue(self) -> bool:
        return self.due.on < self.today

    @property
    def received_this_term(self) -> bool:
        """A pack was received and the next is not overdue (``received_this_term``)."""
        return self.last_received is not None and not self.overdue


def _as_day(value: object) -> date | None:
    """A date from what the database hands back (SQLite: text for a subquery's date)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value)
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    assert isinstance(value, date)
    return value


def _latest_received() -> Subquery:
    return Subquery(GovernorPack.objects.filter(school_id=OuterRef("pk"),
                                                received_on__isnull=False)
                    .order_by("-received_on").values("received_on")[:1])


class KnownTerms(TermCalendar):
    """One school's terms read beforehand for many schools at once (``known_terms``): its
    own dates for each academic year, else its trust's, else the default pattern worked out
    here (estimated; never saved, so the first read of a year writes nothing)."""

    def __init__(self, school: School, terms: Sequence[Term]) -> None:
        super().__init__(school)
        self.known = sorted(terms, key=lambda t: t.starts_on)

    def term_for_date(self, day: date) -> Term:
        return pick_term(self.known, day)


def known_terms(schools: Sequence[School], academic_years: Iterable[int]
                ) -> dict[int, KnownTerms]:
    """{school id: its terms of these academic years} in ONE query for any number of
    schools, chosen for each year as ``TermCalendar`` chooses them."""
    years = sorted(set(academic_years))
    org_ids = sorted({s.organisation_id for s in schools if s.organisation_id is not None})
    found: dict[tuple[str, int, int], list[Term]] = {}
    if schools and years:
        owners = Q(school_id__in=[s.pk for s in schools]) | Q(organisation_id__in=org_ids)
        for term in Term.objects.filter(owners, academic_year__in=years):
            key = (("school", term.school_id, term.academic_year) if term.school_id is not None
                   else ("org", term.organisation_id or 0, term.academic_year))
            found.setdefault(key, []).append(term)
    defaults = {year: [Term(academic_year=year, name=name, starts_on=starts, ends_on=ends,
                            estimated=True)
                       for name, (starts, ends) in default_term_dates(year).items()]
                for year in years}
    result = {}
    for school in schools:
        terms: list[Term] = []
        for year in years:
            terms += (found.get(("school", school.pk, year))
                      or found.get(("org", school.organisation_id or 0, year))
                      or defaults[year])
        result[school.pk] = KnownTerms(school, terms)
    return result


def pack_dues(school_ids: Sequence[int], *, today: date) -> dict[int, PackDue]:
    """{school id: its next pack due} for every school asked: two queries whatever the
    number of schools (the schools with their latest reception; their terms)."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    schools = list(School.objects.filter(pk__in=ids).annotate(last_received=_latest_received()))
    starts: dict[int, date] = {}
    lasts: dict[int, date | None] = {}
    for school in schools:
        starts[school.pk] = max(timezone.localdate(school.created_at), EARLIEST_DAY)
        last = _as_day(school.last_received)  # type: ignore[attr-defined]
        lasts[school.pk] = None if last is None else max(last, EARLIEST_DAY)
    calendars = known_terms(schools, years_around(
        [today, *starts.values(), *(d for d in lasts.values() if d is not None)]))
    result = {}
    for school in schools:
        calendar = calendars[school.pk]
        due = next_due(TERMLY, None, last_done=lasts[school.pk], starts_on=starts[school.pk],
                       calendar=calendar)
        assert due is not None  # a termly cadence always has a due date
        result[school.pk] = PackDue(
            school_id=school.pk, last_received=lasts[school.pk], due=due,
            term=TermInfo.of(calendar.term_for_date(due.on)),
            current=current_term(school, today, calendar=calendar), today=today)
    return result


# --- whether this term's pack was received (SQL, one query for any number of schools) -------


def _terms_ended_since_received(today: date) -> CombinedExpression | Value:
    """How many terms of the school's calendar ended on or after the day the pack was
    received and before ``today``, as SQL on the outer pack (its ``received_on`` and
    ``school_id``; its school's ``organisation_id`` one level further out).

    Each academic year's terms are chosen as ``TermCalendar`` chooses them: the school's own
    dates for the year, else its trust's, else the default pattern (its days passed as
    literals). Three academic years are read: a pack received before them has at least the
    three terms of the earliest between it and today, so it counts as not received either
    way.
    """
    counted: list[Case] = []
    for year in (today.year - 2, today.year - 1, today.year):
        own = Term.objects.filter(school_id=OuterRef("school_id"), academic_year=year)
        shared = Term.objects.filter(school__isnull=True, academic_year=year,
                                     organisation_id=OuterRef(OuterRef("organisation_id")))

        def ended(terms: QuerySet[Term]) -> Subquery:
            return count_subquery(terms.filter(ends_on__gte=OuterRef("received_on"),
                                               ends_on__lt=today))

        default_ends = sorted(end for _start, end in default_term_dates(year).values()
                              if end < today)
        default: CombinedExpression | Value = Value(0)
        for end in default_ends:
            default = default + Case(When(received_on__lte=end, then=Value(1)),
                                     default=Value(0), output_field=IntegerField())
        counted.append(Case(When(Exists(own), then=ended(own)),
                            When(Exists(shared), then=ended(shared)),
                            default=default, output_field=IntegerField()))
    total: CombinedExpression | Value = Value(0)
    for one in counted:
        total = total + one
    return total


def _received_this_term(today: date) -> Exists:
    """Whether the outer school's governing body received a pack this term or last, as SQL:
    one of its packs was received with at most one term ended since (the latest then has
    none more, so this is the latest's answer)."""
    return Exists(GovernorPack.objects.filter(school_id=OuterRef("pk"),
                                              received_on__isnull=False)
                  .annotate(ended=_terms_ended_since_received(today)).filter(ended__lte=1))


@dataclass(frozen=True)
class Standing:
    """Where a school stands with its governor packs today."""

    school_id: int
    has_pack: bool  # any pack was ever requested or built
    last_received: date | None
    received_this_term: bool  # received this term or last: this term's is not overdue


def standings(school_ids: Sequence[int], *, today: date) -> dict[int, Standing]:
    """{school id: Standing} for every school asked (ONE query)."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    rows = (School.objects.filter(pk__in=ids)
            .annotate(last_received=_latest_received(),
                      has_pack=Exists(GovernorPack.objects.filter(school_id=OuterRef("pk"))),
                      covered=_received_this_term(today))
            .values_list("pk", "has_pack", "last_received", "covered"))
    return {pk: Standing(school_id=pk, has_pack=bool(has_pack),
                         last_received=_as_day(last_received), received_this_term=bool(covered))
            for pk, has_pack, last_received, covered in rows}


def received_this_term(school_ids: Sequence[int], today: date) -> dict[int, bool]:
    """{school id: True when this term's pack was received} for every school asked: the
    governing body received a pack this term or last, so this term's is not overdue (ONE
    query)."""
    found = standings(school_ids, today=today)
    return {pk: found[pk].received_this_term if pk in found else False
            for pk in dict.fromkeys(school_ids)}


