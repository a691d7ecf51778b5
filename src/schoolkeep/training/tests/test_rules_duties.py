"""The duties of the training rule (``training.missing``, ``.expired``, ``.induction``,
``.no-governor``: counts for many schools in two queries agree with each school's list) and
its measures (staff trained, a governor trained, one query)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas

from schoolkeep.duties.types import DUE, LONDON, OVERDUE, DutyCounts
from schoolkeep.tenancy.roles import Role
from schoolkeep.training.models import TrainingSettings
from schoolkeep.training.rules import duties, measures
from schoolkeep.training.tests.test_rules_helpers import make_course, make_person, make_record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)
NOW = datetime.combine(TODAY, time(10), tzinfo=LONDON)
HORIZON = NOW + timedelta(days=14)


def _fill(school, *, induction_days: int = 30) -> None:  # type: ignore[no-untyped-def]
    cyber = make_course(school, months=12)
    short = make_course(school, "Cyber refresher", months=1)
    make_record(make_person(school, "Trained"), cyber, TODAY - timedelta(days=30))
    make_record(make_person(school, "Ends in a week"), cyber, date(2025, 4, 7))
    make_record(make_person(school, "Ends today"), cyber, date(2025, 3, 31))
    make_record(make_person(school, "Ended"), cyber, date(2025, 1, 15))
    make_record(make_person(school, "Self said, ended", kind="support"), short,
                date(2026, 1, 31), confirmed=False)  # ended 28 February
    make_person(school, "Never")
    make_person(school, "Old hand", start_date=date(2019, 9, 1))
    make_person(school, "Started last week", start_date=TODAY - timedelta(days=7))
    make_person(school, "Started long ago", start_date=TODAY - timedelta(days=100))
    make_person(school, "Starts soon", start_date=TODAY + timedelta(days=1))
    make_person(school, "Gone", leaving_date=TODAY - timedelta(days=3))
    make_person(school, "No network", kind="volunteer", uses_school_network=False)
    if induction_days != 30:
        TrainingSettings.objects.create(school=school, induction_days=induction_days)


def _agree(ids: list[int]) -> dict[int, DutyCounts]:
    with CaptureQueriesContext(connection) as queries:
        counts = duties.provider.counts(ids, now=NOW, horizon=HORIZON)
    assert len(queries) == 2
    for school_id in ids:
        listed = duties.provider.for_school(school_id, now=NOW, horizon=HORIZON)
        expected = DutyCounts(due=sum(d.status == DUE for d in listed),
                              overdue=sum(d.status == OVERDUE for d in listed))
        assert counts.get(school_id, DutyCounts()) == expected, school_id
    return counts


def test_counts_agree_with_the_lists_across_schools(personas: Personas) -> None:
    _fill(personas.school)
    _fill(personas.other_school, induction_days=5)
    counts = _agree([personas.school.pk, personas.other_school.pk])
    listed = duties.provider.for_school(personas.school.pk, now=NOW, horizon=HORIZON)
    kinds = Counter((d.key.split(":")[0], d.status) for d in listed)
    assert kinds == Counter({
        (duties.EXPIRED, DUE): 2,  # ends in a week, ends today (still valid today)
        (duties.EXPIRED, OVERDUE): 2,  # ended; said by themselves, ended 28 February
        (duties.MISSING, OVERDUE): 2,  # never, old hand
        (duties.INDUCTION, OVERDUE): 1,  # started 100 days ago; last week's is due later
        (duties.NO_GOVERNOR, OVERDUE): 1,
    })
    assert counts[personas.school.pk] == DutyCounts(due=2, overdue=6)
    assert {d.owner_role for d in listed} == {Role.BUSINESS_MANAGER}
    assert all("Never" not in d.title for d in listed)  # the subject names the person
    # With five induction days the other school's starter of last week is overdue too, and
    # tomorrow's starter is due within the horizon.
    assert counts[personas.other_school.pk] == DutyCounts(due=3, overdue=7)


def test_the_governor_duty(personas: Personas) -> None:
    school = personas.school
    cyber = make_course(school)
    governor = make_person(school, "Governor", kind="governor")
    assert _agree([school.pk])[school.pk] == DutyCounts(overdue=1)
    make_record(governor, cyber, date(2025, 4, 5))  # valid until 5 April: due
    assert _agree([school.pk])[school.pk] == DutyCounts(due=1)
    make_record(governor, cyber, TODAY - timedelta(days=1))
    assert _agree([school.pk]) == {}
    # A school with nobody the rule asks about has no duty.
    assert duties.provider.counts([personas.other_school.pk], now=NOW, horizon=HORIZON) == {}


def test_a_new_starters_induction_comes_into_the_horizon(personas: Personas) -> None:
    school = personas.school
    make_record(make_person(school, "Gov", kind="trustee"), make_course(school),
                TODAY - timedelta(days=1))
    make_person(school, "Starter", start_date=TODAY - timedelta(days=10))  # due in 20 days
    assert _agree([school.pk]) == {}
    later = NOW + timedelta(days=10)
    counts = duties.provider.counts([school.pk], now=later, horizon=later + timedelta(days=14))
    assert counts == {school.pk: DutyCounts(due=1)}


def test_the_measures_in_one_query(personas: Personas) -> None:
    school = personas.school
    _fill(school)
    with CaptureQueriesContext(connection) as queries:
        figures = measures.provider.figures([school.pk, personas.other_school.pk], now=NOW)
    assert len(queries) == 1
    # Ten staff in scope (not the leaver, nor the volunteer without network access); trained
    # today: "Trained", "Ends in a week" and "Ends today".
    assert figures[school.pk] == {measures.STAFF_TRAINED: (3, 10),
                                  measures.GOVERNOR_TRAINED: (0, 1)}
    assert personas.other_school.pk not in figures
    make_record(make_person(school, "Gov", kind="governor"), make_course(school, "Gov course"),
                TODAY - timedelta(days=1))
    figures = measures.provider.figures([school.pk], now=NOW)
    assert figures[school.pk][measures.GOVERNOR_TRAINED] == (1, 1)


def test_counts_agree_with_the_lists_around_month_ends_and_expiry_days(
        personas: Personas) -> None:
    """The counts read each person's records in one subquery (the latest expiry as a key);
    on days around month ends and the records' own expiry days they still agree with the
    lists, which work the dates out in Python."""
    school = personas.school
    completions = [date(2025, 1, 31), date(2025, 2, 28), date(2024, 2, 29), date(2025, 3, 30),
                   date(2025, 3, 31), date(2025, 8, 31), date(2025, 12, 1)]
    for months in (1, 12, 36):
        course = make_course(school, f"Cyber {months}", months=months)
        for number, completed in enumerate(completions):
            make_record(make_person(school, f"P{months}-{number}"), course, completed)
    days = [date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 31),
            date(2026, 1, 31), date(2026, 2, 14), date(2026, 2, 28), date(2026, 3, 1),
            date(2026, 3, 17), date(2026, 3, 31), date(2026, 8, 31), date(2026, 12, 1)]
    for day in days:
        now = datetime.combine(day, time(10), tzinfo=LONDON)
        horizon = now + timedelta(days=14)
        counts = duties.provider.counts([school.pk], now=now, horizon=horizon)
        listed = duties.provider.for_school(school.pk, now=now, horizon=horizon)
        expected = DutyCounts(due=sum(d.status == DUE for d in listed),
                              overdue=sum(d.status == OVERDUE for d in listed))
        assert counts.get(school.pk, DutyCounts()) == expected, day
