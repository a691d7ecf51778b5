"""Issue 12, finding 1: the trust's rules are changed through one explicit permission,
``trust.rules.manage`` (held by the trust administrator, who stays read-only inside every
school), and each change is written to the audit chain of every school of the trust."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import OrganisationFactory, OrganisationMembershipFactory

from schoolkeep.audit.export import csv_lines
from schoolkeep.audit.models import GLOBAL_CHAIN, AuditEvent
from schoolkeep.audit.selectors import event_list
from schoolkeep.audit.verify import audit_verify
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.people.models import CheckRule
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.rules.services import (
    organisation_rule_set,
    rules_fingerprint,
    rules_reset_for_organisation,
    rules_set_for_organisation,
    rules_set_for_school,
)
from schoolkeep.people.tests.trust_rules_helpers import TRUST_RULES
from schoolkeep.people.tests.trust_rules_helpers import trust_form as rules_form
from schoolkeep.tenancy import roles
from schoolkeep.tenancy.roles import (
    PERMISSIONS,
    READ_ONLY_ROLE_WRITES,
    READ_ONLY_ROLES,
    WRITE_PERMISSIONS,
    Role,
    roles_allow,
    roles_markdown,
)
from schoolkeep.tenancy.selectors import access_list_for_user


def trust_form(personas) -> dict[str, str]:
    return rules_form(rules_fingerprint(organisation_rule_set(personas.school.organisation)))




def test_trust_rules_manage_is_a_trust_write_held_by_the_trust_administrator_only():
    assert "trust.rules.manage" in PERMISSIONS
    assert "trust.rules.manage" in WRITE_PERMISSIONS
    assert roles_allow({Role.TRUST_ADMIN}, "trust.rules.manage")
    for role in roles.SCHOOL_ROLES:
        assert not roles_allow({role}, "trust.rules.manage"), role


def test_read_only_roles_hold_no_write_but_the_named_exceptions():
    """The trust administrator stays read-only inside schools: the only writes a read-only
    role holds are reporting an incident and the trust-level writes."""
    for code in WRITE_PERMISSIONS:
        for role in READ_ONLY_ROLES:
            if roles_allow({role}, code):
                assert code in READ_ONLY_ROLE_WRITES, (role, code)
    assert READ_ONLY_ROLE_WRITES <= WRITE_PERMISSIONS


def test_roles_doc_names_the_permission_and_the_read_only_rule():
    text = roles_markdown()
    assert "(`trust.rules.manage`) |" in text
    assert "only read inside a school" in text
    assert "written to the audit trail of every school of the trust" in text


def test_the_permission_decides_who_changes_the_trusts_rules(personas, login, monkeypatch):
    """Take the permission away from the trust administrator in the table: the pages and the
    service refuse them, although they still administer the trust."""
    trust = personas.school.organisation
    description, _ = PERMISSIONS.get("trust.rules.manage", ("", frozenset()))
    monkeypatch.setitem(PERMISSIONS, "trust.rules.manage", (description, frozenset()))
    client = login(personas.trust_admin)
    assert client.get(reverse("people:trust-rules")).status_code == 200  # reading is not it
    assert client.get(reverse("people:trust-rules-edit")).status_code == 403
    assert client.post(reverse("people:trust-rules-edit"), trust_form(personas)).status_code == 403
    assert client.post(reverse("people:trust-rules-reset")).status_code == 403
    with pytest.raises(NotAllowed):
        rules_set_for_organisation(organisation=trust, actor=personas.trust_admin,
                                   rules=TRUST_RULES)
    assert not CheckRule.objects.filter(organisation=trust).exists()

    monkeypatch.undo()
    response = client.post(reverse("people:trust-rules-edit"), trust_form(personas))
    assert response.status_code == 302
    assert organisation_rule_set(trust).rules


@pytest.mark.parametrize("name", ["siro", "hr_admin", "dsl", "auditor"])
def test_school_roles_may_not_change_the_trusts_rules(personas, login, name):
    """Who manages a school's own rules (SIRO, HR administrator) or reads the record does not
    reach the trust's: 403 on the pages, NotAllowed in the service."""
    trust = personas.school.organisation
    rules_set_for_organisation(organisation=trust, actor=None, rules=TRUST_RULES)
    user = getattr(personas, name)
    client = login(user)
    assert client.post(reverse("people:trust-rules-edit"), trust_form(personas)).status_code == 403
    assert client.post(reverse("people:trust-rules-reset")).status_code == 403
    with pytest.raises(NotAllowed):
        rules_set_for_organisation(organisation=trust, actor=user, rules=[])
    with pytest.raises(NotAllowed):
        rules_reset_for_organisation(organisation=trust, actor=user)
    assert len(organisation_rule_set(trust).rules) == 1


def test_another_trusts_administrator_may_not_change_these_rules(personas):
    stranger = OrganisationMembershipFactory(organisation=OrganisationFactory()).user
    with pytest.raises(NotAllowed):
        rules_set_for_organisation(organisation=personas.school.organisation, actor=stranger,
                                   rules=TRUST_RULES)


def test_the_trust_administrator_stays_read_only_inside_the_school(personas, login):
    school = personas.school
    (access,) = access_list_for_user(personas.trust_admin)
    assert access.read_only and access.can("trust.rules.manage")
    assert not access.can("scr.rules.manage")
    client = login(personas.trust_admin)
    for url in ("people:rules-edit", "people:people-settings"):
        assert client.get(reverse(url)).status_code == 403
        assert client.post(reverse(url), rules_form("x")).status_code == 403
    assert client.post(reverse("people:rules-reset")).status_code == 403
    with pytest.raises(NotAllowed):
        rules_set_for_school(school=school, actor=personas.trust_admin, rules=TRUST_RULES)
    assert not CheckRule.objects.filter(school=school).exists()
    assert not AuditEvent.objects.filter(action__startswith="people.rules").exists()


def test_each_trust_change_is_in_the_audit_trail_of_every_school_of_the_trust(
        personas, login, willow):
    trust = personas.school.organisation
    trust_schools = {personas.school.pk, willow.pk}
    client = login(personas.trust_admin)
    assert client.post(reverse("people:trust-rules-edit"),
                       trust_form(personas)).status_code == 302
    assert client.post(reverse("people:trust-rules-reset")).status_code == 302

    for action in ("people.rules.organisation_changed", "people.rules.organisation_reset"):
        events = AuditEvent.objects.filter(action=action)
        assert {event.school_id for event in events} == trust_schools, action
        assert not events.filter(chain=GLOBAL_CHAIN).exists()
        for event in events:
            assert event.chain == f"school:{event.school_id}"
            assert event.actor_id == personas.trust_admin.pk
            assert event.target_id == str(trust.public_id)
    assert not AuditEvent.objects.filter(school=personas.other_school,
                                         action__startswith="people.rules").exists()
    changed = AuditEvent.objects.get(action="people.rules.organisation_changed",
                                     school=personas.school)
    assert changed.changes["rules"] == {"before": [], "after": ["identity/support/always"]}
    # Willow follows its own rules: its event says the change is not in force there.
    assert "not in force here" in AuditEvent.objects.get(
        action="people.rules.organisation_changed", school=willow).target_label
    assert "not in force here" not in changed.target_label

    # Each school's own trail and export show both events; the chains still verify.
    for school in (personas.school, willow):
        actions = set(event_list(school=school, action_prefix="people.rules.organisation")
                      .values_list("action", flat=True))
        assert actions == {"people.rules.organisation_changed",
                           "people.rules.organisation_reset"}
        exported = "".join(csv_lines(event_list(school=school)))
        assert "people.rules.organisation_changed" in exported
        assert "people.rules.organisation_reset" in exported
    siro_page = login(personas.siro).get(reverse("audit:event-list")).content.decode()
    assert "Required checks of Riverside Learning Trust&#x27;s schools" in siro_page
    assert audit_verify().ok


def test_a_trust_change_in_force_in_a_school_shows_in_its_record(personas, login):
    """What the review saw: the trust's rules turn a check off in the school's record; the
    change is now the trust administrator's through the permission, and audited there."""
    client = login(personas.trust_admin)
    assert rule_set_for(personas.school).source == "default"
    client.post(reverse("people:trust-rules-edit"), trust_form(personas))
    assert rule_set_for(personas.school).source == "organisation"
    assert AuditEvent.objects.filter(school=personas.school,
                                     action="people.rules.organisation_changed").count() == 1
