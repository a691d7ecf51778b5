"""The demo's checks at Larkspur (step 405 after the scopes and sets of step 400): recent
checks of each set, one failure then fixed, a restore test last term (so one is due this
term); running it again changes nothing. And the nightly tick that keeps Schoolkeep's own
sets up to date runs once a night, after 03:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.continuity.checks import ticks
from schoolkeep.continuity.checks.demo import build_demo_checks
from schoolkeep.continuity.checks.status import check_dues, restore_dues
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest
from schoolkeep.continuity.scopes.demo import build_demo_scopes
from schoolkeep.demo.builder import DemoContext
from schoolkeep.tenancy.calendar import TermCalendar

pytestmark = pytest.mark.django_db


def test_the_demo_checks(settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    school = SchoolFactory(name="Larkspur Primary", slug="larkspur")
    ctx = DemoContext(schools={"larkspur": school})
    build_demo_scopes(ctx)
    build_demo_checks(ctx)
    today = timezone.localdate()
    own = BackupSet.objects.filter(school=school, install_copy="")
    assert own.count() == 3
    failed = BackupCheck.objects.get(school=school, outcome="failed")
    assert failed.backup_set.name == "JKCloud off-site backup" and failed.action_taken
    assert BackupCheck.objects.filter(backup_set=failed.backup_set,
                                      checked_on__gt=failed.checked_on,
                                      outcome="succeeded").exists()
    # every set has a recent successful check: none is due within the next fortnight
    assert all(d.due_on > today + timedelta(days=14) for d in check_dues([school.pk]))
    test = RestoreTest.objects.get(school=school)
    calendar = TermCalendar(school)
    assert calendar.term_for_date(test.tested_on) != calendar.term_for_date(today)
    due = restore_dues([school.pk], today=today)[school.pk]
    assert not due.tested_this_term
    assert due.due.on == calendar.term_for_date(today).ends_on
    counts = (BackupCheck.objects.count(), RestoreTest.objects.count())
    build_demo_checks(ctx)
    assert (BackupCheck.objects.count(), RestoreTest.objects.count()) == counts


def test_the_tick_runs_once_a_night_after_three(monkeypatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(ticks, "ensure_install_sets", lambda: calls.append(1))
    night = datetime(2030, 1, 15, 2, 50, tzinfo=UTC)  # 02:50 in London (GMT)
    ticks.install_sets_tick(night - timedelta(hours=23, minutes=40))  # 03:10 the night before
    assert len(calls) == 1
    ticks.install_sets_tick(night)  # not yet this night's 03:00
    assert len(calls) == 1
    ticks.install_sets_tick(night + timedelta(minutes=20))
    ticks.install_sets_tick(night + timedelta(minutes=30))
    assert len(calls) == 2
    from schoolkeep.duties.scheduler import registered_ticks

    assert registered_ticks()[ticks.JOB] is ticks.install_sets_tick
