"""The rules page (which checks each kind of person needs), editing the school's own copy,
going back to the trust's or the standard rules, the trust's rules, and the settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people import defaults
from schoolkeep.people.models import CheckRule, CheckType, PeopleSettings, PersonKind
from schoolkeep.people.rules.forms import NOT_REQUIRED, conditions_by_cell, field_name
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.rules.services import (
    people_settings_update,
    rules_fingerprint,
    rules_reset_for_school,
    rules_set_for_organisation,
    rules_set_for_school,
)
from schoolkeep.tenancy.models import School

ALWAYS = CheckRule.Condition.ALWAYS


def as_tuples(rule_set):
    return sorted((r.check_type, r.person_kind, r.condition) for r in rule_set.rules)


def form_data(rule_set, changes=None):
    """The edit form as posted: every cell as the rules hold it, with some changed."""
    cells = conditions_by_cell(rule_set)
    data = {"based_on": rules_fingerprint(rule_set)}
    for check_type in CheckType.values:
        for kind in PersonKind.values:
            held = cells.get((check_type, kind))
            data[field_name(check_type, kind)] = "+".join(held) if held else NOT_REQUIRED
    data.update(changes or {})
    return data


def test_rules_page_shows_the_standard_rules_of_a_maintained_school(personas, login):
    page = login(personas.dsl).get(reverse("people:rules"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "follows the standard rules for maintained schools" in html
    assert "If they do teaching work" in html  # prohibition from teaching
    assert "Change the rules" not in html  # the DSL reads only


def test_academy_follows_the_academy_default(personas):
    School.objects.filter(pk=personas.school.pk).update(kind=School.Kind.ACADEMY)
    personas.school.refresh_from_db()
    assert as_tuples(rule_set_for(personas.school)) == sorted(defaults.ACADEMY)


def test_editing_starts_the_schools_own_copy_and_is_audited(personas, login):
    client = login(personas.hr_admin)
    page = client.get(reverse("people:rules-edit"))
    assert page.status_code == 200
    assert "Saving starts the school's own copy" in page.content.decode()
    before = rule_set_for(personas.school)
    cell = field_name(CheckType.SECTION_128, PersonKind.SUPPORT)
    response = client.post(reverse("people:rules-edit"), form_data(before, {cell: ALWAYS}))
    assert response.status_code == 302
    after = rule_set_for(personas.school)
    assert after.source == "school"
    assert set(as_tuples(after)) - set(as_tuples(before)) == {
        (CheckType.SECTION_128, PersonKind.SUPPORT, ALWAYS)}
    event = AuditEvent.objects.get(action="people.rules.changed")
    assert event.actor_id == personas.hr_admin.pk
    assert event.changes["source"] == {"before": "default", "after": "school"}
    assert "section_128/support/always" in event.changes["rules"]["after"]
    html = client.get(reverse("people:rules")).content.decode()
    assert "follows its own rules" in html


def test_an_edit_made_from_older_rules_is_refused(personas, login):
    client = login(personas.siro)
    seen = rule_set_for(personas.school)
    rules_set_for_school(school=personas.school, actor=personas.hr_admin,
                         rules=[*as_tuples(seen),
                                (CheckType.CHILDCARE, PersonKind.VOLUNTEER, ALWAYS)])
    cell = field_name(CheckType.SECTION_128, PersonKind.SUPPORT)
    page = client.post(reverse("people:rules-edit"), form_data(seen, {cell: ALWAYS}))
    assert page.status_code == 200
    assert "Someone else changed the rules" in page.content.decode()
    assert (CheckType.SECTION_128, PersonKind.SUPPORT, ALWAYS) not in as_tuples(
        rule_set_for(personas.school))
    with pytest.raises(StaleVersion):
        rules_set_for_school(school=personas.school, actor=personas.siro,
                             rules=as_tuples(seen), based_on=rules_fingerprint(seen))


def test_no_rule_at_all_is_refused(personas, login):
    with pytest.raises(DomainError):
        rules_set_for_school(school=personas.school, actor=personas.siro, rules=[])
    data = {key: (NOT_REQUIRED if key.startswith("rule__") else value)
            for key, value in form_data(rule_set_for(personas.school)).items()}
    page = login(personas.siro).post(reverse("people:rules-edit"), data)
    assert page.status_code == 200
    assert "Choose at least one check" in page.content.decode()


def test_unknown_values_are_refused(personas):
    with pytest.raises(DomainError):
        rules_set_for_school(school=personas.school, actor=None,
                             rules=[("tarot", PersonKind.SUPPORT, ALWAYS)])
    with pytest.raises(DomainError):
        rules_set_for_school(school=personas.school, actor=None,
                             rules=[(CheckType.IDENTITY, PersonKind.SUPPORT, "sometimes")])


@pytest.mark.parametrize("name", ["dsl", "auditor", "trust_admin", "business_manager"])
def test_only_siro_and_hr_admin_change_rules(personas, login, name):
    user = getattr(personas, name)
    client = login(user)
    assert client.get(reverse("people:rules-edit")).status_code == 403
    assert client.post(reverse("people:rules-reset")).status_code == 403
    assert client.get(reverse("people:people-settings")).status_code == 403
    with pytest.raises(NotAllowed):
        rules_set_for_school(school=personas.school, actor=user,
                             rules=[(CheckType.IDENTITY, PersonKind.SUPPORT, ALWAYS)])


def test_the_outsider_cannot_change_this_schools_rules(personas):
    with pytest.raises(NotAllowed):
        rules_reset_for_school(school=personas.school, actor=personas.outsider)


def test_reset_goes_back_to_the_trusts_rules_then_the_default(personas, login):
    school = personas.school
    trust = school.organisation
    trust_rules = [(CheckType.IDENTITY, kind, ALWAYS) for kind in PersonKind.values]
    rules_set_for_organisation(organisation=trust, actor=personas.trust_admin,
                               rules=trust_rules)
    assert rule_set_for(school).source == "organisation"
    assert "follows the rules Riverside Learning Trust set" in login(personas.siro).get(
        reverse("people:rules")).content.decode()
    rules_set_for_school(school=school, actor=personas.siro,
                         rules=[(CheckType.IDENTITY, PersonKind.SUPPORT, ALWAYS)])
    assert rule_set_for(school).source == "school"
    response = login(personas.siro).post(reverse("people:rules-reset"))
    assert response.status_code == 302
    after = rule_set_for(school)
    assert after.source == "organisation" and as_tuples(after) == sorted(trust_rules)
    event = AuditEvent.objects.get(action="people.rules.reset")
    assert event.changes["source"] == {"before": "school", "after": "organisation"}
    with pytest.raises(DomainError):
        rules_reset_for_school(school=school, actor=personas.siro)
    # Other schools are untouched, and the outsider's school still follows its default.
    assert rule_set_for(personas.other_school).source == "default"


def test_trust_rules_need_the_trusts_administrator_and_are_audited(personas):
    trust = personas.school.organisation
    rules = [(CheckType.IDENTITY, PersonKind.GOVERNOR, ALWAYS)]
    with pytest.raises(NotAllowed):
        rules_set_for_organisation(organisation=trust, actor=personas.siro, rules=rules)
    rules_set_for_organisation(organisation=trust, actor=personas.trust_admin, rules=rules)
    event = AuditEvent.objects.get(action="people.rules.organisation_changed")
    # In the school's own chain (the trust's only school here), not a school-less event.
    assert event.school_id == personas.school.pk and event.target_id == str(trust.public_id)
    assert event.changes["rules"]["after"] == ["identity/governor/always"]
    # Saving the same rules again changes nothing and writes no event.
    rules_set_for_organisation(organisation=trust, actor=personas.trust_admin, rules=rules)
    assert AuditEvent.objects.filter(action="people.rules.organisation_changed").count() == 1


def test_a_cell_with_several_conditions_keeps_them(personas, login):
    school = personas.school
    rules = [*as_tuples(rule_set_for(school)),
             (CheckType.SECTION_128, PersonKind.SUPPORT, CheckRule.Condition.MANAGEMENT_POST),
             (CheckType.SECTION_128, PersonKind.SUPPORT, CheckRule.Condition.TEACHING_WORK)]
    rules_set_for_school(school=school, actor=personas.siro, rules=rules)
    client = login(personas.siro)
    html = client.get(reverse("people:rules-edit")).content.decode()
    assert "If teaching work, or if a management post" in html
    current = rule_set_for(school)
    response = client.post(reverse("people:rules-edit"), form_data(current))
    assert response.status_code == 302
    assert as_tuples(rule_set_for(school)) == as_tuples(current)
    assert AuditEvent.objects.filter(action="people.rules.changed").count() == 1


def test_settings_page_saves_and_audits(personas, login):
    client = login(personas.siro)
    page = client.get(reverse("people:people-settings"))
    assert page.status_code == 200
    assert not PeopleSettings.objects.filter(school=personas.school).exists()  # GET writes nothing
    response = client.post(reverse("people:people-settings"), {
        "certificate_copy_months": 3, "update_service_interval_days": 90, "version": 1,
    })
    assert response.status_code == 302
    saved = PeopleSettings.objects.get(school=personas.school)
    assert (saved.certificate_copy_months, saved.update_service_interval_days,
            saved.version) == (3, 90, 2)
    event = AuditEvent.objects.get(action="people.settings.changed")
    assert event.changes["certificate_copy_months"] == {"before": 6, "after": 3}


def test_settings_refuse_more_than_six_months_and_stale_versions(personas, login):
    client = login(personas.hr_admin)
    page = client.post(reverse("people:people-settings"), {
        "certificate_copy_months": 7, "update_service_interval_days": 365, "version": 1,
    })
    assert page.status_code == 200
    assert "Ensure this value is less than or equal to 6" in page.content.decode()
    with pytest.raises(DomainError) as raised:
        people_settings_update(school=personas.school, actor=personas.hr_admin, version=1,
                               certificate_copy_months=12)
    assert raised.value.field == "certificate_copy_months"
    people_settings_update(school=personas.school, actor=personas.siro, version=1,
                           update_service_interval_days=30)
    page = client.post(reverse("people:people-settings"), {
        "certificate_copy_months": 2, "update_service_interval_days": 365, "version": 1,
    })
    assert page.status_code == 200
    assert "Someone else changed these settings" in page.content.decode()
    assert PeopleSettings.objects.get(school=personas.school).update_service_interval_days == 30
    with pytest.raises(DomainError):
        people_settings_update(school=personas.school, actor=personas.siro, version=2,
                               idle_timeout_minutes=5)
