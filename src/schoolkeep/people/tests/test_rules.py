"""The rules engine: the SQL (``required_q``) and the Python (``required_checks``) decide
the same for every kind and post, and changing a rule changes who is incomplete."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from tests.personas import Personas

from schoolkeep.people import services
from schoolkeep.people.models import CheckRule, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import (
    CONDITION_FIELDS,
    Rule,
    check_states,
    incomplete_q,
    missing_q,
    required_checks,
    required_q,
    rule_set_for,
)
from schoolkeep.tenancy.models import School

FLAGS = [field for field in CONDITION_FIELDS.values() if field is not None]


def everyone(school: School) -> list[Person]:
    """One person per kind and combination of the post's flags."""
    people = []
    for kind in PersonKind.values:
        for values in itertools.product([False, True], repeat=len(FLAGS)):
            flags = dict(zip(FLAGS, values, strict=True))
            name = f"{kind} " + "".join("1" if v else "0" for v in values)
            people.append(Person(school=school, full_name=name, name_key=name, kind=kind,
                                 **flags))
    return Person.objects.bulk_create(people)


@pytest.mark.parametrize("school_kind", [School.Kind.MAINTAINED, School.Kind.ACADEMY])
def test_sql_and_python_agree_for_every_kind_and_post(personas: Personas,
                                                      school_kind: str) -> None:
    school = personas.school
    school.kind = school_kind
    school.save(update_fields=["kind"])
    people = everyone(school)
    # A few exceptions in both directions, so overrides are compared too.
    services.override_set(person=people[0], actor=personas.hr_admin,
                          check_type=CheckType.ENHANCED_DBS, required=True, reason="Works alone")
    services.override_set(person=people[-1], actor=personas.hr_admin,
                          check_type=CheckType.IDENTITY, required=False, reason="Known")
    rule_set = rule_set_for(school)
    assert rule_set.source == "default"
    people = list(Person.objects.filter(school=school).prefetch_related("overrides"))
    for check_type in CheckType.values:
        by_sql = set(Person.objects.filter(school=school)
                     .filter(required_q(rule_set, check_type)).values_list("pk", flat=True))
        by_python = {person.pk for person in people
                     if required_checks(person, rule_set, person.overrides.all())[check_type][0]}
        assert by_sql == by_python, check_type
    # The defaults are not empty: every kind needs at least its identity checked.
    identity = set(Person.objects.filter(required_q(rule_set, CheckType.IDENTITY))
                   .values_list("kind", flat=True))
    assert identity == set(PersonKind.values)


def test_expected_rules_for_some_posts(personas: Personas) -> None:
    school = personas.school  # maintained by default

    def needs(**fields: object) -> set[str]:
        rule_set = rule_set_for(school)
        person = Person(school=school, full_name="X", **fields)
        return {t for t, (req, _) in required_checks(person, rule_set).items() if req}

    assert needs(kind="teaching", does_teaching_work=True) == {
        "identity", "right_to_work", "enhanced_dbs", "barred_list", "prohibition"}
    assert needs(kind="support") == {"identity", "right_to_work", "enhanced_dbs", "barred_list"}
    assert needs(kind="agency", does_teaching_work=True) == {
        "identity", "agency_confirmation", "prohibition"}
    assert needs(kind="contractor") == {"identity"}
    assert needs(kind="governor", lived_or_worked_abroad=True) == {
        "identity", "enhanced_dbs", "section_128", "overseas"}
    assert "section_128" not in needs(kind="support", is_management_post=True)
    school.kind = School.Kind.ACADEMY
    school.save(update_fields=["kind"])
    assert "section_128" in needs(kind="support", is_management_post=True)


def test_changing_a_rule_changes_who_is_incomplete(personas: Personas) -> None:
    school = personas.school
    hr = personas.hr_admin
    volunteer = services.person_create(school=school, actor=hr, full_name="Val", kind="volunteer")
    contractor = services.person_create(school=school, actor=hr, full_name="Con",
                                        kind="contractor")
    for person, check_type in [(volunteer, "identity"), (volunteer, "enhanced_dbs"),
                               (contractor, "identity")]:
        services.check_save(person=person, actor=hr, check_type=check_type, status="done",
                            done_on=date(2025, 1, 6))

    def incomplete() -> set[str]:
        return set(Person.objects.filter(school=school)
                   .filter(incomplete_q(rule_set_for(school))).values_list("full_name", flat=True))

    assert incomplete() == set()
    # The school takes its own copy of the defaults and adds DBS checks for contractors.
    defaults = rule_set_for(school).rules
    CheckRule.objects.bulk_create([CheckRule(school=school, check_type=r.check_type,
                                             person_kind=r.person_kind, condition=r.condition)
                                   for r in defaults])
    assert incomplete() == set()
    CheckRule.objects.create(school=school, check_type="enhanced_dbs", person_kind="contractor")
    assert incomplete() == {"Con"}
    rule_set = rule_set_for(school)
    assert list(Person.objects.filter(missing_q(rule_set, "enhanced_dbs"))) == [contractor]
    # Removing the volunteers' DBS rule and adding barred list checks moves the gap.
    CheckRule.objects.filter(school=school, person_kind="volunteer",
                             check_type="enhanced_dbs").delete()
    CheckRule.objects.create(school=school, check_type="barred_list", person_kind="volunteer")
    assert incomplete() == {"Con", "Val"}
    # An exception with a reason takes the contractor out again.
    services.override_set(person=contractor, actor=hr, check_type="enhanced_dbs",
                          required=False, reason="Supervised at all times")
    assert incomplete() == {"Val"}


def test_trust_rules_apply_to_its_schools_until_a_school_has_its_own(personas: Personas) -> None:
    school = personas.school
    CheckRule.objects.create(organisation=school.organisation, check_type="identity",
                             person_kind="member")
    assert rule_set_for(school).source == "organisation"
    assert rule_set_for(school).rules == (Rule("identity", "member", "always"),)
    CheckRule.objects.create(school=school, check_type="identity", person_kind="trustee")
    assert rule_set_for(school).source == "school"
    assert rule_set_for(personas.other_school).source == "default"


def test_check_states_explain_why(personas: Personas) -> None:
    person = services.person_create(school=personas.school, actor=personas.hr_admin,
                                    full_name="Tia", kind="support", does_teaching_work=True)
    services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                        status="done", done_on=date(2025, 1, 6))
    services.check_save(person=person, actor=personas.hr_admin, check_type="barred_list",
                        status="pending")
    person = Person.objects.prefetch_related("checks", "overrides").get(pk=person.pk)
    states = {s.check_type: s for s in check_states(person, rule_set_for(personas.school))}
    assert states["identity"].status == "done"
    assert states["barred_list"].status == "pending" and states["barred_list"].missing
    assert states["enhanced_dbs"].status == "required"
    assert states["prohibition"].reason == (
        "Required for employee in a support post: if they do teaching work")
    assert states["section_128"].status == "not_required"
