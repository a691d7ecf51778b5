"""The stored missing-check facts follow every kind of write, and ``differences`` finds a
fact that drifted from the rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from tests.factories import SchoolFactory

from schoolkeep.audit.models import AuditEvent
from schoolkeep.people import services
from schoolkeep.people.missing_checks import differences, refresh_for_schools
from schoolkeep.people.models import CheckType, Person, PersonKind
from schoolkeep.people.rules.services import (
    rules_reset_for_organisation,
    rules_reset_for_school,
    rules_set_for_organisation,
    rules_set_for_school,
)

pytestmark = pytest.mark.django_db
C = CheckType
ALWAYS = "always"


def facts(person: Person) -> tuple[bool, bool]:
    person.refresh_from_db()
    return person.checks_missing, person.agency_confirmation_missing


def only_dbs(school) -> None:
    rules_set_for_school(school=school, actor=None,
                         rules=[(C.ENHANCED_DBS, PersonKind.TEACHING, ALWAYS),
                                (C.AGENCY_CONFIRMATION, PersonKind.AGENCY, ALWAYS)])


def test_a_check_done_and_undone_moves_the_fact():
    school = SchoolFactory()
    only_dbs(school)
    person = services.person_create(school=school, actor=None, full_name="Ann Lee",
                                    kind=PersonKind.TEACHING)
    assert facts(person) == (True, False)
    services.check_save(person=person, actor=None, check_type=C.ENHANCED_DBS,
                        status="done", done_on=date(2025, 1, 2))
    assert facts(person) == (False, False)
    services.check_save(person=person, actor=None, check_type=C.ENHANCED_DBS, status="pending")
    assert facts(person) == (True, False)
    assert differences() == []


def test_overrides_and_kind_change_move_the_facts():
    school = SchoolFactory()
    only_dbs(school)
    person = services.person_create(school=school, actor=None, full_name="Bo Day",
                                    kind=PersonKind.SUPPORT)
    assert facts(person) == (False, False)
    services.override_set(person=person, actor=None, check_type=C.ENHANCED_DBS,
                          required=True, reason="Works with children")
    assert facts(person) == (True, False)
    services.override_clear(person=person, actor=None, check_type=C.ENHANCED_DBS)
    assert facts(person) == (False, False)
    person.refresh_from_db()
    services.person_update(person=person, actor=None, version=person.version,
                           kind=PersonKind.AGENCY)
    assert facts(person) == (False, True)
    assert differences() == []


def test_rule_changes_refresh_every_person_of_the_schools(personas):
    trust = personas.school.organisation
    other = SchoolFactory(organisation=trust)
    people = [services.person_create(school=s, actor=None, full_name="Cy Fox",
                                     kind=PersonKind.VOLUNTEER)
              for s in (personas.school, other)]
    rules_set_for_organisation(organisation=trust, actor=None,
                               rules=[(C.IDENTITY, PersonKind.VOLUNTEER, ALWAYS)])
    assert [facts(p) for p in people] == [(True, False), (True, False)]
    rules_set_for_school(school=other, actor=None,
                         rules=[(C.IDENTITY, PersonKind.TEACHING, ALWAYS)])
    assert [facts(p) for p in people] == [(True, False), (False, False)]
    rules_reset_for_school(school=other, actor=None)
    assert facts(people[1]) == (True, False)
    rules_reset_for_organisation(organisation=trust, actor=None)
    assert differences() == []


def test_differences_names_a_drifted_fact_and_refresh_repairs_it():
    school = SchoolFactory()
    only_dbs(school)
    person = services.person_create(school=school, actor=None, full_name="Di Ma",
                                    kind=PersonKind.TEACHING)
    Person.objects.filter(pk=person.pk).update(checks_missing=False,
                                               agency_confirmation_missing=True)
    found = differences()
    assert {(d.person_id, d.field, d.stored, d.computed) for d in found} == {
        (person.pk, "checks_missing", False, True),
        (person.pk, "agency_confirmation_missing", True, False),
    }
    refresh_for_schools([school.pk])
    assert differences() == []


def test_the_command_reports_repairs_and_audits(capsys):
    school = SchoolFactory()
    only_dbs(school)
    person = services.person_create(school=school, actor=None, full_name="Ed Hu",
                                    kind=PersonKind.TEACHING)
    call_command("recount_duty_facts")
    assert "Every stored fact matches" in capsys.readouterr().out
    Person.objects.filter(pk=person.pk).update(checks_missing=False)
    with pytest.raises(SystemExit) as exit_:
        call_command("recount_duty_facts", "--school", school.slug)
    assert exit_.value.code == 1
    assert f"person {person.pk}: checks_missing is False and should be True" in (
        capsys.readouterr().out)
    assert facts(person) == (False, False)  # only reported
    with pytest.raises(SystemExit):
        call_command("recount_duty_facts", "--fix")
    assert facts(person) == (True, False)
    event = AuditEvent.objects.filter(action="people.missing_checks.repaired").get()
    assert event.school_id == school.pk and event.changes == {"people": 1}
    call_command("recount_duty_facts")
    with pytest.raises(CommandError, match="No school"):
        call_command("recount_duty_facts", "--school", "nowhere")
