"""The schedule in force: the school's row over the trust's over the shipped one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.privacy.schedule.selectors import (
    effective_record_type,
    effective_schedule,
    origin_of,
)
from schoolkeep.privacy.schedule.starting import STARTING, ensure_starting_schedule

pytestmark = pytest.mark.django_db


def test_the_migration_ships_every_starting_type_with_a_source() -> None:
    shipped = RecordType.objects.filter(school__isnull=True, organisation__isnull=True)
    assert set(shipped.values_list("key", flat=True)) == set(keys.SCHOOL_KEYS + keys.OWN_KEYS)
    assert all(row.source for row in shipped)
    assert ensure_starting_schedule() == 0  # nothing made twice
    assert len(STARTING) == len(keys.SCHOOL_KEYS + keys.OWN_KEYS)


def test_starting_periods_are_the_published_ones() -> None:
    rows = {row.key: row for row in RecordType.objects.filter(school__isnull=True,
                                                              organisation__isnull=True)}
    assert (rows[keys.ATTENDANCE_REGISTER].years, rows[keys.ATTENDANCE_REGISTER].event) == (
        6, "creation")
    assert (rows[keys.SEN_RECORD].years, rows[keys.SEN_RECORD].event) == (31, "date_of_birth")
    assert (rows[keys.CHILD_PROTECTION].years, rows[keys.CHILD_PROTECTION].event) == (
        25, "date_of_birth")
    assert (rows[keys.RECRUITMENT_UNSUCCESSFUL].months,
            rows[keys.RECRUITMENT_UNSUCCESSFUL].years) == (6, 0)
    assert rows[keys.CCTV].days == 30
    assert rows[keys.OWN_LEAVERS].schoolkeep_own and not rows[keys.CCTV].schoolkeep_own


def test_school_row_beats_trust_row_beats_shipped(personas) -> None:
    school = personas.school
    shipped = effective_record_type(school, keys.CCTV)
    assert origin_of(shipped) == "shipped"
    trust_row = RecordType.objects.create(organisation=school.organisation, key=keys.CCTV,
                                          name="CCTV footage", event="creation", days=14)
    assert effective_record_type(school, keys.CCTV) == trust_row
    own = RecordType.objects.create(school=school, key=keys.CCTV, name="CCTV footage",
                                    event="creation", days=7)
    assert effective_record_type(school, keys.CCTV) == own
    # Another school outside the trust still sees the shipped row.
    assert effective_record_type(personas.other_school, keys.CCTV) == shipped


def test_an_archived_adjustment_is_not_in_force(personas) -> None:
    from django.utils import timezone

    RecordType.objects.create(school=personas.school, key=keys.CCTV, name="CCTV footage",
                              event="creation", days=7, archived_at=timezone.now())
    assert origin_of(effective_record_type(personas.school, keys.CCTV)) == "shipped"


def test_effective_schedule_in_one_query_one_row_per_key(personas) -> None:
    school = personas.school
    RecordType.objects.create(school=school, key=keys.FINANCE, name="Finance records",
                              event="financial_year_end", years=7)
    RecordType.objects.create(school=school, name="Minibus logs", event="creation", years=3)
    RecordType.objects.create(school=personas.other_school, name="Their own", event="creation")
    with CaptureQueriesContext(connection) as queries:
        schedule = effective_schedule(school)
    assert len(queries) == 1
    names = [row.name for row in schedule]
    assert "Minibus logs" in names and "Their own" not in names
    finance = [row for row in schedule if row.key == keys.FINANCE]
    assert len(finance) == 1 and finance[0].years == 7
    assert not any(row.schoolkeep_own for row in effective_schedule(school, include_own=False))


def test_unknown_key_raises() -> None:
    from tests.factories import SchoolFactory

    with pytest.raises(RecordType.DoesNotExist):
        effective_record_type(SchoolFactory(), "no_such_type")
