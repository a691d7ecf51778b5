"""Snapshots and control statuses: today's rows per current framework, replaced when taken
again the same day; the audit when a person asks; who may ask; the trend and the latest of
many schools in one query each; the statuses keep ``since`` while a state holds; the
nightly and hourly ticks run once per slot."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.models import ControlStatus, Snapshot, State
from schoolkeep.compliance.state import snapshots
from schoolkeep.compliance.tests.state_records import attest, attested, computed, framework
from schoolkeep.lib.errors import NotAllowed

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MINE = ("fw-a", "fw-b")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_snapshot_per_framework_replaced_the_same_day(personas: Personas) -> None:
    school = personas.school
    control = attested()
    framework("fw-a", order=1, requirements=[[control], [computed(when_empty="met")]])
    framework("fw-b", order=2, requirements=[[control]])
    day = date(2026, 10, 5)
    first = snapshots.snapshot_take(school=school, now=at(day, 9))
    assert [(row.framework_code, row.met, row.not_assessed, row.score_permille)
            for row in first if row.framework_code in MINE] == [
        ("fw-a", 1, 1, 500), ("fw-b", 0, 1, 0)]
    attest(school, control, day)
    snapshots.snapshot_take(school=school, now=at(day, 15))
    rows = Snapshot.objects.filter(school=school, taken_on=day,
                                   framework_code__in=MINE).order_by("framework_code")
    assert [(row.framework_code, row.met, row.score_permille) for row in rows] == [
        ("fw-a", 2, 1000), ("fw-b", 1, 1000)]
    assert rows[0].taken_at == at(day, 15)
    # The next day is a new row.
    snapshots.snapshot_take(school=school, now=at(day + timedelta(days=1)))
    assert Snapshot.objects.filter(school=school, framework_code="fw-a").count() == 2


def test_a_person_asking_is_checked_and_audited(personas: Personas) -> None:
    school = personas.school
    framework(requirements=[[computed(when_empty="met")]])
    for who in ("staff", "auditor", "governor"):
        with pytest.raises(NotAllowed):
            snapshots.snapshot_take(school=school, now=at(date(2026, 10, 5)),
                                    actor=personas.users[who])
    assert not Snapshot.objects.exists()
    for who in ("dpo", "trust_admin", "siro"):
        snapshots.snapshot_take(school=school, now=at(date(2026, 10, 5)),
                                actor=personas.users[who])
    events = AuditEvent.objects.filter(action="compliance.snapshot.refreshed", school=school)
    assert events.count() == 3
    assert events.last().changes["test-fw"] == "100 %"
    with pytest.raises(NotAllowed):  # another school's SIRO
        snapshots.snapshot_take(school=school, now=at(date(2026, 10, 5)),
                                actor=personas.outsider)


def test_trend_and_latest_in_one_query_each(personas: Personas,
                                             django_assert_num_queries) -> None:
    school, other = personas.school, personas.other_school
    today = date(2026, 10, 5)
    rows = [Snapshot(school=s, framework_code=code, taken_on=today - timedelta(days=days),
                     taken_at=at(today), met=days, score_permille=days)
            for s in (school, other) for code in ("fw-a", "fw-b")
            for days in (0, 7, 300, 400)]
    Snapshot.objects.bulk_create(rows)
    with django_assert_num_queries(1):
        found = snapshots.trend(school, "fw-a", today=today)
    assert [row.taken_on for row in found] == [today - timedelta(days=d) for d in (300, 7, 0)]
    with django_assert_num_queries(1):
        latest = snapshots.latest_for_schools([school.pk, other.pk])
    assert set(latest) == {(s.pk, c) for s in (school, other) for c in ("fw-a", "fw-b")}
    assert all(row.taken_on == today for row in latest.values())
    assert snapshots.latest_for_schools([]) == {}


def test_statuses_keep_since_while_the_state_holds(personas: Personas) -> None:
    school = personas.school
    control = attested(cadence="yearly")
    first = at(date(2026, 10, 5))
    snapshots.statuses_refresh(school=school, now=first)
    row = ControlStatus.objects.get(school=school, control=control)
    assert (row.state, row.since, row.checked_at) == (State.NOT_ASSESSED, first, first)
    later = first + timedelta(hours=3)
    snapshots.statuses_refresh(school=school, now=later)
    row.refresh_from_db()
    assert (row.since, row.checked_at) == (first, later)
    attest(school, control, date(2026, 10, 5))
    snapshots.statuses_refresh(school=school, now=later + timedelta(hours=1))
    row.refresh_from_db()
    assert (row.state, row.since) == (State.MET, later + timedelta(hours=1))
    control.archived_at = later
    control.save()
    snapshots.statuses_refresh(school=school, now=later + timedelta(hours=2))
    assert not ControlStatus.objects.filter(control=control).exists()


def test_nightly_tick_once_a_night_after_half_past_two(personas: Personas) -> None:
    framework(requirements=[[computed(when_empty="met")]])
    SchoolFactory()
    day = date(2026, 10, 6)
    snapshots.nightly_tick(at(day, 2).replace(minute=20))  # yesterday's slot: taken
    assert Snapshot.objects.filter(taken_on=day, framework_code="test-fw").count() == 3
    Snapshot.objects.all().delete()
    snapshots.nightly_tick(at(day, 2).replace(minute=25))  # same slot: nothing
    assert not Snapshot.objects.exists()
    snapshots.nightly_tick(at(day, 2).replace(minute=40))  # tonight's slot
    assert Snapshot.objects.filter(taken_on=day, framework_code="test-fw").count() == 3


def test_hourly_tick_refreshes_every_school_once_an_hour(personas: Personas) -> None:
    control = attested()
    mine = ControlStatus.objects.filter(control=control)
    moment = at(date(2026, 10, 6), 10)
    snapshots.hourly_tick(moment)
    assert mine.count() == 2  # both schools
    ControlStatus.objects.all().delete()
    snapshots.hourly_tick(moment + timedelta(minutes=50))
    assert not ControlStatus.objects.exists()
    snapshots.hourly_tick(moment + timedelta(minutes=60))
    assert mine.count() == 2


def test_snapshot_queries_do_not_grow_with_the_controls(personas: Personas) -> None:
    def queries(n: int) -> int:
        controls = [attested() for _ in range(n)]
        framework(f"fw-{n}", requirements=[[c] for c in controls])
        snapshots.snapshot_take(school=personas.school, now=at(date(2026, 10, 5)))
        with CaptureQueriesContext(connection) as seen:
            snapshots.snapshot_take(school=personas.school, now=at(date(2026, 10, 5)))
        return len(seen)
    assert queries(3) == queries(40)
