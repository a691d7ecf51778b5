"""The recovery plan's duties and measure: missing once the school records what needs
protecting and has no plan; untested a year after the last test (29 February tested, due 28
February), due now when never tested; ``counts`` agrees with ``for_school`` in one query for
many schools; the measure counts plans tested within the year."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.continuity.models import PlanTest, RecoveryPlan, Scope
from schoolkeep.continuity.plan.duties import MISSING, UNTESTED, provider
from schoolkeep.continuity.plan.measures import TESTED
from schoolkeep.continuity.plan.measures import provider as measures
from schoolkeep.continuity.plan.status import PlanStatus
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts
from schoolkeep.lib.text import fold

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)


def with_plan(school, *, tested_on: date | None = None) -> None:
    RecoveryPlan.objects.create(school=school, text="Call IT, then the DPO.")
    if tested_on is not None:
        PlanTest.objects.create(school=school, tested_on=tested_on, kind="tabletop",
                                participants="Us", recorded_by_label="Test")


def scope(school, name: str = "Admin network") -> Scope:
    return Scope.objects.create(school=school, kind="admin_network", name=name,
                                name_key=fold(name))


def duties_at(school, now: datetime):
    return provider.for_school(school.pk, now=now, horizon=now + HORIZON)


def test_next_test_is_due_a_year_after_the_last() -> None:
    status = PlanStatus(has_plan=True, first_scope_at=None, last_tested_on=date(2025, 3, 10))
    assert status.next_test_due(date(2025, 6, 1)) == date(2026, 3, 10)
    assert status.tested_within_year(date(2026, 3, 9))
    assert not status.tested_within_year(date(2026, 3, 10))


def test_a_test_on_29_february_is_due_on_28_february() -> None:
    status = PlanStatus(has_plan=True, first_scope_at=None, last_tested_on=date(2028, 2, 29))
    assert status.next_test_due(date(2028, 3, 1)) == date(2029, 2, 28)


def test_a_plan_never_tested_is_due_now() -> None:
    status = PlanStatus(has_plan=True, first_scope_at=None, last_tested_on=None)
    assert status.next_test_due(date(2027, 1, 5)) == date(2027, 1, 5)
    assert not status.tested_within_year(date(2027, 1, 5))


def test_no_duty_before_the_school_starts_on_its_backups(personas: Personas) -> None:
    assert duties_at(personas.school, timezone.now()) == []


def test_missing_plan_once_a_scope_is_recorded(personas: Personas) -> None:
    scope(personas.school)
    now = timezone.now() + timedelta(days=3)
    [duty] = duties_at(personas.school, now)
    assert duty.key.startswith(MISSING) and duty.status == OVERDUE
    assert duty.owner_role == "siro" and duty.url == "/continuity/plan/"


def test_untested_due_within_the_horizon_then_overdue(personas: Personas) -> None:
    last = date(2026, 3, 10)
    with_plan(personas.school, tested_on=last)
    assert duties_at(personas.school, noon(date(2027, 2, 1))) == []  # beyond the horizon
    [due] = duties_at(personas.school, noon(date(2027, 3, 1)))
    assert due.key.startswith(UNTESTED) and due.status == DUE and due.due_at == date(2027, 3, 10)
    [overdue] = duties_at(personas.school, noon(date(2027, 3, 11)))
    assert overdue.status == OVERDUE
    PlanTest.objects.create(school=personas.school, tested_on=date(2027, 3, 11),
                            kind="full", participants="All", recorded_by_label="Test")
    assert duties_at(personas.school, noon(date(2027, 3, 12))) == []


def test_never_tested_plan_is_due(personas: Personas) -> None:
    with_plan(personas.school)
    [duty] = duties_at(personas.school, timezone.now())
    assert duty.key.startswith(UNTESTED) and duty.status == DUE
    assert "never been tested" in duty.subject


def test_counts_agree_with_for_school_in_one_query(personas: Personas,
                                                   django_assert_num_queries) -> None:
    now = timezone.now()
    schools = [personas.school, personas.other_school,
               *(SchoolFactory() for _ in range(3))]
    scope(schools[0])  # missing, overdue or due today
    with_plan(schools[1], tested_on=timezone.localdate() - timedelta(days=400))  # overdue
    with_plan(schools[2])  # never tested: due
    with_plan(schools[3], tested_on=timezone.localdate())  # fine
    ids = [school.pk for school in schools]
    with django_assert_num_queries(1):
        counts = provider.counts(ids, now=now, horizon=now + HORIZON)
    for school in schools:
        expected = DutyCounts()
        for duty in duties_at(school, now):
            expected = expected + DutyCounts.of(duty.status)
        assert counts.get(school.pk, DutyCounts()) == expected
    assert counts[schools[1].pk] == DutyCounts(overdue=1)
    assert counts[schools[2].pk] == DutyCounts(due=1)
    assert schools[3].pk not in counts and schools[4].pk not in counts


def test_measure_counts_plans_tested_within_the_year(personas: Personas,
                                                     django_assert_num_queries) -> None:
    fresh, stale, unused = personas.school, personas.other_school, SchoolFactory()
    with_plan(fresh, tested_on=timezone.localdate() - timedelta(days=30))
    with_plan(stale, tested_on=timezone.localdate() - timedelta(days=400))
    with django_assert_num_queries(1):
        figures = measures.figures([fresh.pk, stale.pk, unused.pk], now=timezone.now())
    assert figures == {fresh.pk: {TESTED: (1, 1)}, stale.pk: {TESTED: (0, 1)}}


def test_a_plan_never_tested_becomes_overdue_from_the_first_scope(personas: Personas) -> None:
    """Due from the day the school recorded its first scope, so two years on it is overdue."""
    school = personas.school
    scope(school)
    with_plan(school)
    later = noon(timezone.localdate() + timedelta(days=730))
    [duty] = duties_at(school, later)
    assert duty.key.startswith(UNTESTED) and duty.status == OVERDUE
    assert duty.due_at == timezone.localdate()
