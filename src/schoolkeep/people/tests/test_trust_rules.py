"""The trust's rules: its administrator (``trust.rules.manage``) sets them for every school
of the trust without rules of its own, and resets them; nobody else reaches the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schoolkeep.audit.models import GLOBAL_CHAIN, AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people.models import CheckRule, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import incomplete_q, rule_set_for
from schoolkeep.people.rules.services import (
    organisation_rule_set,
    rules_fingerprint,
    rules_reset_for_organisation,
    rules_set_for_organisation,
)
from schoolkeep.people.services import person_create
from schoolkeep.people.tests.trust_rules_helpers import (
    ALWAYS,
    TRUST_RULES,
    trust_form,
)


def incomplete_names(school) -> set[str]:
    people = Person.objects.filter(school=school).filter(incomplete_q(rule_set_for(school)))
    return set(people.values_list("full_name", flat=True))




def test_trust_rules_apply_to_schools_without_their_own(personas, login, willow):
    for school in (personas.school, willow):
        person_create(school=school, actor=None, full_name=f"Teacher at {school.slug}",
                      kind=PersonKind.TEACHING)
        person_create(school=school, actor=None, full_name=f"Support at {school.slug}",
                      kind=PersonKind.SUPPORT)
    assert incomplete_names(personas.school) == {"Teacher at oakfield", "Support at oakfield"}
    assert incomplete_names(willow) == {"Teacher at willow"}

    client = login(personas.trust_admin)
    page = client.get(reverse("people:trust-rules"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "your schools follow the standard defaults" in html
    assert "Willow Primary" in html  # it overrides the trust's rules
    assert client.get(reverse("people:trust-rules-edit")).status_code == 200

    empty = rules_fingerprint(organisation_rule_set(personas.school.organisation))
    response = client.post(reverse("people:trust-rules-edit"), trust_form(empty))
    assert response.status_code == 302
    assert response.url == reverse("people:trust-rules")

    assert rule_set_for(personas.school).source == "organisation"
    assert incomplete_names(personas.school) == {"Support at oakfield"}
    assert rule_set_for(willow).source == "school"
    assert incomplete_names(willow) == {"Teacher at willow"}

    # One event in each school of the trust (test_trust_rules_permission.py has the rest).
    events = AuditEvent.objects.filter(action="people.rules.organisation_changed")
    assert {e.school_id for e in events} == {personas.school.pk, willow.pk}
    event = events.get(school=personas.school)
    assert event.chain == f"school:{personas.school.pk}"
    assert event.actor_id == personas.trust_admin.pk
    assert event.changes["rules"] == {"before": [], "after": ["identity/support/always"]}

    html = client.get(reverse("people:trust-rules")).content.decode()
    assert "Every school of Riverside Learning Trust that has no rules of its own" in html
    assert "Go back to the standard rules" in html
    school_page = client.get(reverse("people:rules")).content.decode()
    assert "they come from the trust" in school_page
    assert reverse("people:trust-rules") in school_page


def test_reset_sends_the_schools_back_to_the_standard_rules(personas, login):
    trust = personas.school.organisation
    standard = rule_set_for(personas.school)
    rules_set_for_organisation(organisation=trust, actor=personas.trust_admin, rules=TRUST_RULES)
    client = login(personas.trust_admin)
    response = client.post(reverse("people:trust-rules-reset"))
    assert response.status_code == 302
    assert rule_set_for(personas.school) == standard
    event = AuditEvent.objects.get(action="people.rules.organisation_reset")
    assert event.school_id == personas.school.pk and event.chain != GLOBAL_CHAIN
    assert event.target_id == str(trust.public_id)
    assert event.changes["rules"] == {"before": ["identity/support/always"], "after": []}
    # Nothing left to reset: a message, no second event.
    follow = client.post(reverse("people:trust-rules-reset"), follow=True)
    assert "already follow the standard rules" in follow.content.decode()
    assert AuditEvent.objects.filter(action="people.rules.organisation_reset").count() == 1


def test_reset_needs_the_trusts_administrator(personas):
    trust = personas.school.organisation
    rules_set_for_organisation(organisation=trust, actor=None, rules=TRUST_RULES)
    with pytest.raises(NotAllowed):
        rules_reset_for_organisation(organisation=trust, actor=personas.siro)
    rules_reset_for_organisation(organisation=trust, actor=None)  # the CLI may
    with pytest.raises(DomainError):
        rules_reset_for_organisation(organisation=trust, actor=None)


def test_an_edit_from_older_trust_rules_is_refused(personas, login):
    trust = personas.school.organisation
    client = login(personas.trust_admin)
    seen = rules_fingerprint(organisation_rule_set(trust))
    rules_set_for_organisation(organisation=trust, actor=None,
                               rules=[(CheckType.BARRED_LIST, PersonKind.VOLUNTEER, ALWAYS)])
    with pytest.raises(StaleVersion):
        rules_set_for_organisation(organisation=trust, actor=personas.trust_admin,
                                   rules=TRUST_RULES, based_on=seen)
    page = client.post(reverse("people:trust-rules-edit"), trust_form(seen))
    assert page.status_code == 200
    assert "Someone else changed the trust&#x27;s rules" in page.content.decode()
    assert organisation_rule_set(trust).rules[0].check_type == CheckType.BARRED_LIST


@pytest.mark.parametrize("name", ["siro", "hr_admin", "auditor", "staff"])
def test_school_members_may_not_reach_the_trust_pages(personas, login, name):
    client = login(getattr(personas, name))
    assert client.get(reverse("people:trust-rules")).status_code == 403
    assert client.get(reverse("people:trust-rules-edit")).status_code == 403
    assert client.post(reverse("people:trust-rules-edit"), trust_form("x")).status_code == 403
    assert client.post(reverse("people:trust-rules-reset")).status_code == 403
    assert not CheckRule.objects.filter(organisation=personas.school.organisation).exists()


def test_the_schools_rules_page_links_to_the_trusts_for_its_administrator_only(personas, login):
    client = login(personas.siro)
    assert reverse("people:trust-rules") not in client.get(reverse("people:rules")).content.decode()
    client = login(personas.trust_admin)
    assert reverse("people:trust-rules") in client.get(reverse("people:rules")).content.decode()


def test_a_school_outside_any_trust_has_no_trust_page(personas, login):
    client = login(personas.outsider)  # SIRO of Hillside, in no trust
    assert client.get(reverse("people:trust-rules")).status_code == 404
    assert client.post(reverse("people:trust-rules-reset")).status_code == 404


def test_the_trust_administrator_still_writes_nothing_in_a_school(personas, login):
    client = login(personas.trust_admin)
    assert client.get(reverse("people:rules-edit")).status_code == 403
    assert client.post(reverse("people:rules-reset")).status_code == 403
