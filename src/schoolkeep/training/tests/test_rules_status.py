"""The DfE's training rule (training/rules/status.py): who is in scope, which records count,
when training expires (month ends), induction, the governor line, and the SQL form of
validity agreeing with the dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas

from schoolkeep.people.models import Person
from schoolkeep.training.models import Course
from schoolkeep.training.rules import status as rule
from schoolkeep.training.tests.test_rules_helpers import make_course, make_person, make_record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)


def _states(found: rule.SchoolStatus) -> dict[str, str]:
    return {row.person.full_name: row.state for row in [*found.people, *found.governors]}


def test_expiry_clamps_at_month_ends() -> None:
    assert rule.expiry(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rule.expiry(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rule.expiry(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert rule.expiry(date(2025, 3, 31), 12) == date(2026, 3, 31)
    assert rule.expiry(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_sql_validity_agrees_with_the_dates_around_month_ends(personas: Personas) -> None:
    school = personas.school
    completions = [date(2025, 1, 31), date(2025, 2, 28), date(2024, 2, 29), date(2025, 3, 30),
                   date(2025, 3, 31), date(2025, 8, 31), date(2025, 12, 1)]
    expected: dict[int, date] = {}
    for months in (1, 6, 12, 13, 36):
        course = make_course(school, f"Cyber {months}", months=months)
        for number, completed in enumerate(completions):
            person = make_person(school, f"P{months}-{number}")
            make_record(person, course, completed)
            expected[person.pk] = rule.expiry(completed, months)
    days = [date(2025, 2, 27) + timedelta(days=n) for n in range(0, 420, 3)]
    days += [date(2026, 2, 28), date(2026, 3, 1), date(2025, 3, 1), date(2025, 2, 28),
             date(2026, 3, 31), date(2025, 4, 30), date(2025, 9, 30)]
    for day in days:
        valid = set(Person.objects.filter(school=school)
                    .filter(rule.has_valid_record(day)).values_list("pk", flat=True))
        assert valid == {pk for pk, end in expected.items() if end >= day}, day


def test_the_rule_for_staff_new_starters_and_governors(personas: Personas) -> None:
    school = personas.school
    cyber = make_course(school)
    other = make_course(school, "Safeguarding", topic=Course.Topic.SAFEGUARDING)
    trained = make_person(school, "Trained Teacher")
    make_record(trained, cyber, TODAY - timedelta(days=100))
    soon = make_person(school, "Soon Support", kind="support")
    make_record(soon, cyber, date(2025, 4, 10))  # ends 10 April 2026
    expired = make_person(school, "Expired Agency", kind="agency")
    make_record(expired, cyber, date(2025, 3, 30))  # ended 30 March 2026
    make_person(school, "Never Volunteer", kind="volunteer")
    safeguarding_only = make_person(school, "Only Safeguarding")
    make_record(safeguarding_only, other, TODAY - timedelta(days=5))
    withdrawn = make_person(school, "Withdrawn Record")
    make_record(withdrawn, cyber, TODAY - timedelta(days=5), withdrawn=True)
    self_said = make_person(school, "Self Recorded")
    make_record(self_said, cyber, TODAY - timedelta(days=2), confirmed=False)
    make_person(school, "New Starter", start_date=TODAY - timedelta(days=10))
    make_person(school, "Late Starter", start_date=TODAY - timedelta(days=45))
    make_person(school, "Old Hand", start_date=date(2020, 9, 1))
    # Out of scope: a leaver, someone without network access, a member (not staff).
    make_person(school, "Gone Teacher", leaving_date=TODAY - timedelta(days=1))
    make_person(school, "Offline Contractor", kind="contractor", uses_school_network=False)
    make_person(school, "Trust Member", kind="member")
    # Leaving today: still in scope.
    make_person(school, "Leaving Today", leaving_date=TODAY)
    governor = make_person(school, "Governor Grey", kind="governor", uses_school_network=False)
    with CaptureQueriesContext(connection) as queries:
        found = rule.school_status(school, today=TODAY)
    assert len(queries) == 3
    assert _states(found) == {
        "Trained Teacher": rule.TRAINED, "Soon Support": rule.SOON,
        "Expired Agency": rule.EXPIRED, "Never Volunteer": rule.MISSING,
        "Only Safeguarding": rule.MISSING, "Withdrawn Record": rule.MISSING,
        "Self Recorded": rule.TRAINED, "New Starter": rule.INDUCTION,
        "Late Starter": rule.INDUCTION, "Old Hand": rule.MISSING,
        "Leaving Today": rule.MISSING, "Governor Grey": rule.MISSING}
    by_name = {row.person.full_name: row for row in found.people}
    assert by_name["Self Recorded"].unconfirmed
    assert not by_name["Trained Teacher"].unconfirmed
    assert by_name["New Starter"].due_on == TODAY + timedelta(days=20)
    assert [row.person.full_name for row in found.induction_overdue] == ["Late Starter"]
    assert found.total == 11 and len(found.trained) == 3
    assert not found.governor_met and not found.met
    make_record(governor, cyber, TODAY - timedelta(days=300))
    assert rule.school_status(school, today=TODAY).governor_met


def test_the_rule_is_met_with_everyone_trained_and_an_induction_not_yet_due(
        personas: Personas) -> None:
    school = personas.school
    cyber = make_course(school)
    make_record(make_person(school, "Ann"), cyber, TODAY - timedelta(days=3))
    make_record(make_person(school, "Gov", kind="trustee"), cyber, TODAY - timedelta(days=3))
    make_person(school, "New", start_date=TODAY - timedelta(days=2))
    found = rule.school_status(school, today=TODAY)
    assert found.met and found.staff_met and len(found.induction) == 1
    # An induction that is past due breaks it.
    assert not rule.school_status(school, today=TODAY + timedelta(days=40)).staff_met


def test_only_the_schools_own_people_count(personas: Personas) -> None:
    make_person(personas.other_school, "Elsewhere")
    assert rule.school_status(personas.school, today=TODAY).total == 0


def test_a_course_valid_for_longer_than_a_year_counts_for_a_year(personas: Personas) -> None:
    """The DfE asks for training every year: a 36-month cyber course done 13 months ago has
    expired in the Python status, the duties' SQL and the measures alike."""
    from datetime import datetime, time

    from schoolkeep.duties.types import LONDON, OVERDUE
    from schoolkeep.training.rules import duties, measures

    school = personas.school
    long_course = make_course(school, "Three-year cyber course", months=36)
    done = date(2025, 2, 28)  # 13 months before TODAY
    person = make_person(school, "Long Course")
    make_record(person, long_course, done)
    assert rule.expiry(done, 36) == date(2026, 2, 28)
    found = rule.school_status(school, today=TODAY)
    assert _states(found)["Long Course"] == rule.EXPIRED
    assert found.people[0].valid_until == date(2026, 2, 28)
    assert not Person.objects.filter(pk=person.pk).filter(rule.has_valid_record(TODAY)).exists()
    now = datetime.combine(TODAY, time(10), tzinfo=LONDON)
    listed = duties.provider.for_school(school.pk, now=now, horizon=now + timedelta(days=14))
    assert [d.status for d in listed if d.key.startswith(duties.EXPIRED)] == [OVERDUE]
    counts = duties.provider.counts([school.pk], now=now, horizon=now + timedelta(days=14))
    assert counts[school.pk].overdue == sum(d.status == OVERDUE for d in listed)
    figures = measures.provider.figures([school.pk], now=now)
    assert figures[school.pk][measures.STAFF_TRAINED] == (0, 1)
