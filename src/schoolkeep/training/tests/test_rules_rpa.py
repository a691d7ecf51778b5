"""The RPA's training rule (training/rules/rpa.py): the membership year, who it asks for, and
which records meet it (the NCSC's course, confirmed, with a certificate, from 12 months
before the year's start)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas

from schoolkeep.training.models import TrainingSettings
from schoolkeep.training.rules import rpa
from schoolkeep.training.tests.test_rules_helpers import make_course, make_person, make_record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 10)


def test_the_membership_year_holding_a_day() -> None:
    april = TrainingSettings(rpa_year_start_month=4, rpa_year_start_day=1)
    assert rpa.year_start(april, date(2026, 5, 10)) == date(2026, 4, 1)
    assert rpa.year_start(april, date(2026, 4, 1)) == date(2026, 4, 1)
    assert rpa.year_start(april, date(2026, 3, 31)) == date(2025, 4, 1)
    leap = TrainingSettings(rpa_year_start_month=2, rpa_year_start_day=29)
    assert rpa.year_start(leap, date(2026, 3, 1)) == date(2026, 2, 28)
    assert rpa.year_start(leap, date(2028, 3, 1)) == date(2028, 2, 29)
    assert rpa.counts_from(date(2026, 4, 1)) == date(2025, 4, 1)
    assert rpa.counts_from(date(2028, 2, 29)) == date(2027, 2, 28)


def test_a_year_starting_29_february_across_the_boundary_of_a_non_leap_year() -> None:
    leap = TrainingSettings(rpa_year_start_month=2, rpa_year_start_day=29)
    # 2026 has no 29 February: its year starts on the 28th, the day before is still 2025's.
    assert rpa.year_start(leap, date(2026, 2, 27)) == date(2025, 2, 28)
    assert rpa.year_start(leap, date(2026, 2, 28)) == date(2026, 2, 28)
    assert rpa.counts_from(date(2026, 2, 28)) == date(2025, 2, 28)
    # Into a leap year: 28 February 2028 is still the year that started in 2027.
    assert rpa.year_start(leap, date(2028, 2, 28)) == date(2027, 2, 28)
    assert rpa.year_start(leap, date(2028, 2, 29)) == date(2028, 2, 29)


def test_who_meets_the_rule(personas: Personas) -> None:
    school = personas.school
    settings = TrainingSettings.objects.create(school=school, rpa_member=True)
    ncsc = make_course(school, "NCSC training", catalogue_key=rpa.NCSC_KEY)
    other_cyber = make_course(school, "Another cyber course")
    make_record(make_person(school, "Met Before"), ncsc, date(2025, 4, 1), certificate=True)
    make_record(make_person(school, "Met Late", kind="support"), ncsc, date(2026, 5, 1),
                certificate=True)
    make_record(make_person(school, "No Certificate"), ncsc, date(2026, 1, 5))
    make_record(make_person(school, "Unconfirmed"), ncsc, date(2026, 1, 5), confirmed=False,
                certificate=True)
    make_record(make_person(school, "Too Old"), ncsc, date(2025, 3, 31), certificate=True)
    make_record(make_person(school, "Wrong Course"), other_cyber, date(2026, 1, 5),
                certificate=True)
    make_record(make_person(school, "Withdrawn"), ncsc, date(2026, 1, 5), certificate=True,
                withdrawn=True)
    best = make_person(school, "Old And New", kind="governor")
    make_record(best, ncsc, date(2024, 1, 5), certificate=True)
    make_record(best, ncsc, date(2026, 2, 1), certificate=True)
    # Not asked for: agency staff, a governor without IT access, a leaver.
    make_person(school, "Agency", kind="agency")
    make_person(school, "Offline Governor", kind="governor", uses_school_network=False)
    make_person(school, "Left", leaving_date=date(2026, 5, 9))
    with CaptureQueriesContext(connection) as queries:
        found = rpa.rpa_status(school, settings, today=TODAY)
    assert len(queries) == 2
    reasons = {row.person.full_name: row.reason for row in found.rows}
    assert reasons == {
        "Met Before": rpa.MET, "Met Late": rpa.MET, "No Certificate": rpa.NO_CERTIFICATE,
        "Unconfirmed": rpa.UNCONFIRMED, "Too Old": rpa.TOO_OLD, "Wrong Course": rpa.NONE,
        "Withdrawn": rpa.NONE, "Old And New": rpa.MET}
    assert found.year_start == date(2026, 4, 1) and found.counts_from == date(2025, 4, 1)
    late = {row.person.full_name for row in found.done if found.late(row)}
    assert late == {"Met Late"}
    assert not found.met and len(found.done) == 3


def test_met_when_everyone_has_it(personas: Personas) -> None:
    school = personas.school
    settings = TrainingSettings.objects.create(school=school, rpa_member=True,
                                               rpa_year_start_month=9, rpa_year_start_day=1)
    ncsc = make_course(school, "NCSC training", catalogue_key=rpa.NCSC_KEY)
    make_record(make_person(school, "Only One"), ncsc, date(2025, 6, 1), certificate=True)
    found = rpa.rpa_status(school, settings, today=TODAY)
    assert found.year_start == date(2025, 9, 1) and found.met
