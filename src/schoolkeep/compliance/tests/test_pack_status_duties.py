"""The governor pack's terms and its duty: a pack is for a term of the school's calendar; the
governing body receives one once a term, due on the term's last day (a meeting in the
holidays counts for the term that follows; a school that never recorded one is due at the
end of the term it started in); the duty's counts agree with its list, in a fixed number of
queries whatever the number of schools."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack import duties
from schoolkeep.compliance.pack.status import current_term, pack_dues, term_by_label
from schoolkeep.duties import registry
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts
from schoolkeep.tenancy.models import School, Term

pytestmark = pytest.mark.django_db

AUTUMN = (date(2030, 9, 2), date(2030, 12, 20))
SPRING = (date(2031, 1, 6), date(2031, 4, 4))
SUMMER = (date(2031, 4, 22), date(2031, 7, 22))
NEXT_AUTUMN = (date(2031, 9, 3), date(2031, 12, 19))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def started_on(school: School, day: date) -> School:
    School.objects.filter(pk=school.pk).update(created_at=at(day))
    school.refresh_from_db()
    return school


def own_terms(school: School) -> None:
    for year, name, (start, end) in ((2030, "autumn", AUTUMN), (2030, "spring", SPRING),
                                     (2030, "summer", SUMMER), (2031, "autumn", NEXT_AUTUMN)):
        Term.objects.create(school=school, academic_year=year, name=name, starts_on=start,
                            ends_on=end)


@pytest.fixture
def school(personas: Personas) -> School:
    own_terms(personas.school)
    return started_on(personas.school, date(2030, 9, 10))


def received(school: School, day: date, label: str = "Autumn 2030") -> GovernorPack:
    return GovernorPack.objects.create(
        school=school, term_label=label, term_starts_on=AUTUMN[0], term_ends_on=AUTUMN[1],
        status=GovernorPack.Status.READY, requested_by_label="SIRO", received_on=day,
        received_meeting="Full governing body", received_minute="12.3")


def pack_duties(school: School, day: date) -> list:
    now = at(day)
    listed = duties.provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    counts = duties.provider.counts([school.pk], now=now, horizon=now + HORIZON)
    expected = DutyCounts()
    for duty in listed:
        expected += DutyCounts.of(duty.status)
    assert counts.get(school.pk, DutyCounts()) == expected
    return listed


def test_the_term_a_day_is_in(school: School) -> None:
    term = current_term(school, date(2030, 10, 1))
    assert (term.label, term.starts_on, term.ends_on, term.estimated) == (
        "Autumn 2030", *AUTUMN, False)
    assert current_term(school, date(2030, 12, 28)).label == "Spring 2031"  # the holidays
    assert current_term(school, date(2031, 7, 23)).label == "Autumn 2031"


def test_a_term_by_its_label(school: School, personas: Personas) -> None:
    spring = term_by_label(school, "Spring 2031")
    assert spring is not None and (spring.starts_on, spring.ends_on) == SPRING
    assert spring.academic_year == 2030 and spring.name == "spring"
    assert term_by_label(school, "  summer term 2031 ") == term_by_label(school, "Summer 2031")
    for bad in ("Winter 2031", "Autumn", "", "Autumn 1850", "spring 20311"):
        assert term_by_label(school, bad) is None
    # Another school without dates of its own reads the estimated default pattern.
    default = term_by_label(personas.other_school, "Spring 2031")
    assert default is not None and default.estimated and default.starts_on == date(2031, 1, 6)


def test_due_at_the_end_of_the_first_term_then_overdue(school: School) -> None:
    assert pack_duties(school, date(2030, 11, 1)) == []  # beyond the horizon
    [duty] = pack_duties(school, date(2030, 12, 10))
    assert duty.module == "governor_pack" and duty.status == DUE and duty.due_at == AUTUMN[1]
    assert duty.key == f"governor_pack.due:{AUTUMN[0].isoformat()}"
    assert "Autumn 2030" in duty.subject and "none has been recorded" in duty.subject
    assert duty.owner_role == "siro" and duty.url == "/compliance/governor-pack/"
    assert duty.title == duties.TITLE  # names no one: it leaves the school
    [duty] = pack_duties(school, date(2030, 12, 21))
    assert duty.status == OVERDUE


def test_a_pack_received_covers_its_term(school: School) -> None:
    received(school, date(2030, 11, 20))
    due = pack_dues([school.pk], today=date(2030, 11, 21))[school.pk]
    assert due.due.on == SPRING[1] and due.term.label == "Spring 2031"
    assert due.received_this_term and not due.overdue
    assert pack_duties(school, date(2030, 12, 19)) == []
    [duty] = pack_duties(school, date(2031, 3, 30))
    assert duty.due_at == SPRING[1] and duty.status == DUE
    assert "Spring 2031" in duty.subject and "20/11/2030" in duty.subject
    # Still not overdue on spring's last day; the day after, it is.
    assert pack_dues([school.pk], today=SPRING[1])[school.pk].received_this_term
    [duty] = pack_duties(school, date(2031, 4, 5))
    assert duty.status == OVERDUE


def test_a_meeting_in_the_holidays_counts_for_the_next_term(school: School) -> None:
    received(school, date(2030, 12, 28))  # the Christmas holiday
    assert pack_duties(school, date(2030, 12, 29)) == []  # autumn is past: not asked again
    due = pack_dues([school.pk], today=date(2031, 2, 1))[school.pk]
    assert due.due.on == SUMMER[1]
    assert pack_duties(school, date(2031, 4, 1)) == []  # spring is covered
    [duty] = pack_duties(school, date(2031, 7, 15))
    assert duty.due_at == SUMMER[1] and duty.status == DUE


def test_a_missed_term_stays_overdue_until_received(school: School) -> None:
    [duty] = pack_duties(school, date(2031, 2, 1))
    assert duty.status == OVERDUE and duty.due_at == AUTUMN[1]
    received(school, date(2031, 2, 2))
    assert pack_duties(school, date(2031, 2, 3)) == []
    assert pack_dues([school.pk], today=date(2031, 2, 3))[school.pk].due.on == SUMMER[1]


def test_the_latest_reception_counts(school: School) -> None:
    received(school, date(2031, 5, 1), "Spring 2031")
    received(school, date(2030, 11, 1))  # recorded later, held earlier
    GovernorPack.objects.create(school=school, term_label="Summer 2031",
                                term_starts_on=SUMMER[0], term_ends_on=SUMMER[1],
                                requested_by_label="SIRO")  # built, not yet received
    due = pack_dues([school.pk], today=date(2031, 5, 2))[school.pk]
    assert due.last_received == date(2031, 5, 1) and due.due.on == NEXT_AUTUMN[1]


def test_estimated_term_dates_are_said(personas: Personas) -> None:
    other = started_on(personas.other_school, date(2030, 9, 10))  # no dates of its own
    due = pack_dues([other.pk], today=date(2030, 12, 10))[other.pk]
    assert due.due.estimated and due.term.estimated
    [duty] = pack_duties(other, due.due.on)
    assert "estimated term dates" in duty.subject


def test_another_schools_pack_counts_only_for_it(school: School, personas: Personas) -> None:
    other = started_on(personas.other_school, date(2030, 9, 10))
    received(other, date(2030, 11, 1))
    assert len(pack_duties(school, date(2030, 12, 19))) == 1
    assert pack_duties(other, date(2030, 12, 19)) == []


def test_the_provider_is_registered() -> None:
    assert registry.provider_for("governor_pack") is duties.provider
    assert registry.is_known_kind("governor_pack.due")
    assert registry.view_permission_for("governor_pack") == "compliance.view"


@pytest.mark.parametrize("many", [3, 40])
def test_counts_in_constant_queries(many: int, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    schools = [started_on(SchoolFactory(), date(2030, 9, 10)) for _ in range(many)]
    for school in schools[::2]:
        received(school, date(2030, 10, 1))
    ids = [s.pk for s in schools]
    now = at(date(2031, 2, 1))
    with django_assert_num_queries(2):  # the schools with their latest reception; the terms
        counts = duties.provider.counts(ids, now=now, horizon=now + HORIZON)
    assert sum(c.overdue for c in counts.values()) == many // 2  # autumn missed
    assert sum(c.due for c in counts.values()) == 0
    with django_assert_num_queries(2):
        listed = duties.provider.for_school(ids[1], now=now, horizon=now + HORIZON)
    assert [d.status for d in listed] == [OVERDUE]


def test_the_default_pattern_is_worked_out_not_saved(personas: Personas,
                                                     django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    """The first read of a year writes no default rows, so the dashboard's queries are the
    same the first time and every time after."""
    other = started_on(personas.other_school, date(2030, 9, 10))
    Term.objects.filter(school__isnull=True, organisation__isnull=True).delete()
    now = at(date(2030, 12, 10))
    for _ in range(2):
        with django_assert_num_queries(2):
            [duty] = duties.provider.for_school(other.pk, now=now, horizon=now + HORIZON)
    assert not Term.objects.filter(school__isnull=True, organisation__isnull=True).exists()
    # The same due date as the school's calendar gives, which saves the default rows.
    assert duty.due_at == current_term(other, date(2030, 12, 10)).ends_on
