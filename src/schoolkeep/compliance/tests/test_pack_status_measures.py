"""The measure ``governor_pack.received`` and ``received_this_term`` in ONE query give the
same answers as the duty's due date worked out in Python from each school's term calendar
(received, and the next not overdue), on every day of a school year, for schools with their
own term dates, their trust's and the default pattern; a school that never built a pack has
no figure; one query for 3 schools or 40."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack.measures import RECEIVED
from schoolkeep.compliance.pack.measures import provider as measures
from schoolkeep.compliance.pack.status import pack_dues, received_this_term, standings
from schoolkeep.overview.types import Figures
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import School, Term

pytestmark = pytest.mark.django_db

OWN_TERMS = {"autumn": (date(2030, 9, 2), date(2030, 12, 20)),
             "spring": (date(2031, 1, 6), date(2031, 4, 4)),
             "summer": (date(2031, 4, 22), date(2031, 7, 22))}
TRUST_TERMS = {"autumn": (date(2030, 9, 4), date(2030, 12, 13)),
               "spring": (date(2031, 1, 8), date(2031, 3, 28)),
               "summer": (date(2031, 4, 14), date(2031, 7, 18))}


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def terms(owner: dict, dates: dict[str, tuple[date, date]]) -> None:
    for name, (starts_on, ends_on) in dates.items():
        Term.objects.create(academic_year=2030, name=name, starts_on=starts_on,
                            ends_on=ends_on, **owner)


def pack(school: School, received_on: date | None = None) -> GovernorPack:
    return GovernorPack.objects.create(
        school=school, term_label="Autumn 2030", term_starts_on=date(2030, 9, 2),
        term_ends_on=date(2030, 12, 20), status=GovernorPack.Status.READY,
        requested_by_label="SIRO", received_on=received_on,
        received_meeting="Full governing body" if received_on else "")


def in_python(school_ids: list[int], now: datetime) -> Figures:
    """The figure as the duty's due date says it: received, and the next not overdue."""
    today = now.date()
    with_pack = set(GovernorPack.objects.filter(school_id__in=school_ids)
                    .values_list("school_id", flat=True))
    return {school_id: {RECEIVED: (int(due.received_this_term), 1)}
            for school_id, due in pack_dues(school_ids, today=today).items()
            if school_id in with_pack}


@pytest.fixture
def school_ids() -> list[int]:
    """Five schools, each a different case (see the comments)."""
    trust = OrganisationFactory()
    own = SchoolFactory(organisation=trust)  # its own dates replace its trust's
    by_trust = SchoolFactory(organisation=trust)  # its trust's dates
    by_default = SchoolFactory()  # the default pattern
    built_only = SchoolFactory()  # a pack built, never received
    empty = SchoolFactory()  # nothing: no figure
    School.objects.update(created_at=at(date(2030, 8, 1)))
    terms({"school": own}, OWN_TERMS)
    terms({"organisation": trust}, TRUST_TERMS)
    pack(own, date(2030, 10, 1))
    pack(own, date(2030, 12, 22))  # the holidays: counts for spring
    pack(own, date(2031, 5, 1))
    pack(by_trust, date(2030, 12, 16))  # the trust's holidays, the default's autumn term
    pack(by_default, date(2031, 4, 4))  # a default term's last day, or near it
    pack(built_only)
    return [own.pk, by_trust.pk, by_default.pk, built_only.pk, empty.pk]


def sweep() -> list[date]:
    """Every day from late August 2030 to the end of 2031, every term's edges included."""
    start = date(2030, 8, 20)
    return [start + timedelta(days=n) for n in range(0, 500)]


def test_the_same_answers_every_day_of_the_year(school_ids: list[int],
                                                django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    seen = {0: 0, 1: 0}
    for day in sweep():
        with django_assert_num_queries(1):
            found = measures.figures(school_ids, now=at(day))
        assert found == in_python(school_ids, at(day)), day
        for figures in found.values():
            seen[figures[RECEIVED][0]] += 1
    assert seen[0] and seen[1]  # the sweep saw both answers


def test_each_case_on_chosen_days(school_ids: list[int]) -> None:
    own, by_trust, by_default, built_only, empty = school_ids
    # 15 January 2031, with nothing received after it: own received in the holidays
    # (spring), the trust's school in its holidays (spring); the default school not yet.
    GovernorPack.objects.filter(received_on__gt=date(2031, 1, 15)).delete()
    assert received_this_term(school_ids, date(2031, 1, 15)) == {
        own: True, by_trust: True, by_default: False, built_only: False, empty: False}
    # 20 July 2031, summer: the trust school's last pack covered spring, so summer's is due
    # and not yet overdue on its last day (18 July)... but now it is.
    assert received_this_term([by_trust], date(2031, 7, 18)) == {by_trust: True}
    assert received_this_term([by_trust], date(2031, 7, 19)) == {by_trust: False}
    # The empty school has no figure; the school with a pack built but not received, 0 of 1.
    assert measures.figures([built_only, empty], now=at(date(2031, 1, 15))) == {
        built_only: {RECEIVED: (0, 1)}}


def test_no_default_rows_needed(school_ids: list[int]) -> None:
    """The default pattern is worked out, not read: no term rows are written or needed."""
    by_default = school_ids[2]
    Term.objects.filter(school__isnull=True, organisation__isnull=True).delete()
    ends = sorted(end for year in (2030, 2031) for _s, end in default_term_dates(year).values())
    # Received on 4 April 2031 (spring's last day, or in the summer term): covered until the
    # end of the term after the one it fell in.
    spring_end = default_term_dates(2030)["spring"][1]
    in_term_of = next(end for end in ends if end >= date(2031, 4, 4))
    covered_to = next(end for end in ends if end > in_term_of)
    assert spring_end <= in_term_of
    assert standings([by_default], today=covered_to)[by_default].received_this_term
    after = covered_to + timedelta(days=1)
    assert not standings([by_default], today=after)[by_default].received_this_term
    assert not Term.objects.filter(school__isnull=True, organisation__isnull=True).exists()


@pytest.mark.parametrize("many", [3, 40])
def test_one_query_for_any_number_of_schools(many: int, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    trust = OrganisationFactory()
    terms({"organisation": trust}, TRUST_TERMS)
    schools = [SchoolFactory(organisation=trust if n % 3 else None) for n in range(many)]
    for n, school in enumerate(schools):
        if n % 2:
            pack(school, date(2031, 2, 1) if n % 4 == 1 else None)
    ids = [s.pk for s in schools]
    with django_assert_num_queries(1):
        found = measures.figures(ids, now=at(date(2031, 3, 1)))
    assert len(found) == many // 2
    assert sum(f[RECEIVED][0] for f in found.values()) == len(range(1, many, 4))
    with django_assert_num_queries(0):
        assert measures.figures([], now=at(date(2031, 3, 1))) == {}


def test_the_spec() -> None:
    [spec] = measures.specs
    assert (spec.key, spec.area, spec.url_name, spec.permission) == (
        RECEIVED, "governance", "compliance:pack-list", "compliance.view")
