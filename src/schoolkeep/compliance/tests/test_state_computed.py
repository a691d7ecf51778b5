"""The state rules of computed controls on the modules' real records, through the built-in
controls (loaded by the catalogue's migrations): nothing to count (not yet assessed, or met
when ``when_empty`` says so), some short (partly met, with the figure as the reason), an
overdue duty (not met, whatever the figures; a duty merely due does not count), all met.

- aup-staff-signed: the staff's acceptable use policy signatures;
- scr-complete: the Single Central Record's people and checks;
- breaches-reported-72h: possible breaches decided within 72 hours (met with none);
- cyber-training: staff and governors trained in cyber security;
- restore-tested-this-term: a restore test of a backup set this term;
- schoolkeep-backup: Schoolkeep's own nightly backup.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.backups.models import BackupRun
from schoolkeep.compliance.models import Control, State
from schoolkeep.compliance.state import engine
from schoolkeep.compliance.state.types import ControlState
from schoolkeep.continuity.models import RestoreTest
from schoolkeep.continuity.tests.scopes_records import make_scope, make_set
from schoolkeep.overview.tests.records import incident, person, published_aups, sign
from schoolkeep.people.models import PersonKind
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.training.tests.test_rules_helpers import make_course, make_person, make_record

pytestmark = pytest.mark.django_db


def state(school: School, code: str, *, access: SchoolAccess | None = None) -> ControlState:
    control = Control.objects.get(code=code, school__isnull=True)
    return engine.control_states(school, now=timezone.now(), access=access)[control.pk]


def test_aup_staff_signed(personas: Personas) -> None:
    school = personas.school
    found = state(school, "aup-staff-signed")
    assert found.state == State.NOT_ASSESSED
    assert "not published yet" in found.reasons[0].text
    aups = published_aups(school)
    first, second = person(school, "Ann Signer"), person(school, "Bob Signer")
    sign(aups["staff"], person=first)
    siro = SchoolAccess(school, frozenset({Role.SIRO}))
    found = state(school, "aup-staff-signed", access=siro)
    assert found.state == State.PARTLY
    assert [(r.text, r.url) for r in found.reasons] == [
        ("Staff who have signed their acceptable use policy: 1 of 2",
         reverse("agreements:aup-list"))]
    # A viewer without the figure's permission reads the reason without a link.
    governor = SchoolAccess(school, frozenset({Role.GOVERNOR}))
    assert state(school, "aup-staff-signed", access=governor).reasons[0].url == ""
    sign(aups["staff"], person=second)
    assert state(school, "aup-staff-signed").state == State.MET


def test_scr_complete(personas: Personas) -> None:
    school = personas.school
    assert state(school, "scr-complete").state == State.NOT_ASSESSED
    person(school, "Ann Complete")
    assert state(school, "scr-complete").state == State.MET
    person(school, "Cat Missing", checks_missing=True)
    found = state(school, "scr-complete")
    assert found.state == State.PARTLY and found.overdue == 0
    assert found.reasons[0].text == "People with every required check: 1 of 2"
    # Checks missing for someone who started long ago: the duty is overdue.
    person(school, "Dan Late", checks_missing=True,
           start_date=timezone.localdate() - timedelta(days=60))
    found = state(school, "scr-complete")
    assert found.state == State.NOT_MET and found.overdue >= 1
    assert f"{found.overdue} overdue: " in found.reasons[-1].text


def test_breaches_reported_within_72_hours(personas: Personas) -> None:
    school = personas.school
    now = timezone.now()
    hour = timedelta(hours=1)
    found = state(school, "breaches-reported-72h")
    assert found.state == State.MET and found.reasons == []  # met with none to count
    incident(school, aware_at=now - timedelta(days=10), decided_after=71 * hour)
    assert state(school, "breaches-reported-72h").state == State.MET
    incident(school, aware_at=now - timedelta(days=20), decided_after=73 * hour)
    assert state(school, "breaches-reported-72h").state == State.PARTLY
    incident(school, aware_at=now - 80 * hour)  # undecided past its 72 hours
    found = state(school, "breaches-reported-72h")
    assert found.state == State.NOT_MET and found.overdue == 1
    assert "1 overdue: " in found.reasons[-1].text


def test_a_duty_merely_due_does_not_make_it_not_met(personas: Personas) -> None:
    school = personas.school
    now = timezone.now()
    incident(school, aware_at=now - timedelta(days=10), decided_after=timedelta(hours=5))
    incident(school, aware_at=now - timedelta(hours=10))  # its 72 hours still running
    found = state(school, "breaches-reported-72h")
    assert found.due_soon == 1 and found.overdue == 0
    assert found.state == State.MET


def test_cyber_training(personas: Personas) -> None:
    school = personas.school
    today = timezone.localdate()
    assert state(school, "cyber-training").state == State.NOT_ASSESSED
    course = make_course(school)
    teacher = make_person(school, "Tia Teacher", start_date=today - timedelta(days=400))
    found = state(school, "cyber-training")
    assert found.state == State.NOT_MET and found.overdue >= 1  # never trained
    make_record(teacher, course, today - timedelta(days=30))
    governor = make_person(school, "Gus Governor", kind=PersonKind.GOVERNOR,
                           start_date=today - timedelta(days=400))
    make_record(governor, course, today - timedelta(days=30))
    found = state(school, "cyber-training")
    assert found.state == State.MET and found.reasons == []
    assert [(f.met, f.total) for f in found.figures] == [(1, 1), (1, 1)]


def test_restore_tested_this_term(personas: Personas) -> None:
    school = personas.school
    assert state(school, "restore-tested-this-term").state == State.NOT_ASSESSED
    backup_set = make_set(school, "NAS in the office", scopes=[make_scope(school)])
    found = state(school, "restore-tested-this-term")
    assert found.state == State.PARTLY and found.overdue == 0  # due at the term's end
    RestoreTest.objects.create(school=school, backup_set=backup_set,
                               tested_on=timezone.localdate(), what_was_restored="Files",
                               outcome="worked", recorded_by_label="Test")
    assert state(school, "restore-tested-this-term").state == State.MET


def test_schoolkeep_backup(personas: Personas) -> None:
    school = personas.school
    now = timezone.now()
    # A school new to the installation waits a night before the missing backup is a duty.
    found = state(school, "schoolkeep-backup")
    assert found.state == State.PARTLY and found.overdue == 0
    School.objects.filter(pk=school.pk).update(created_at=now - timedelta(days=3))
    school.refresh_from_db()
    assert state(school, "schoolkeep-backup").state == State.NOT_MET
    BackupRun.objects.create(started_at=now - 2 * timedelta(hours=1),
                             finished_at=now - timedelta(hours=1), ok=True)
    assert state(school, "schoolkeep-backup").state == State.MET
    BackupRun.objects.create(started_at=now - timedelta(minutes=30),
                             finished_at=now - timedelta(minutes=10), ok=False)
    found = state(school, "schoolkeep-backup")
    assert found.state == State.NOT_MET and found.figures[0].met == 1
