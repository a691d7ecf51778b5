"""The governors' review, end to end through the pages: the owner sends a draft, the
governors are e-mailed (title and link only), a governor reads and approves it with name,
signature and date, or sends it back with a comment; who may do each; all audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory, UserFactory

from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.policies.services import (
    policy_create,
    version_add,
    version_approve,
    version_return,
    version_send_for_review,
)
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.roles import Role

SECRET_LINE = "Phones are handed in at the office."
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 10, 12, 0)),
                             tick=False):
        yield


def draft(personas, *, owner=None, title="Mobile Phones Policy", cycle=12) -> PolicyVersion:
    policy = policy_create(school=personas.school, actor=personas.siro, title=title,
                           owner=owner or personas.iao, review_cycle_months=cycle,
                           next_review="Spring 2026")
    return version_add(policy=policy, actor=personas.siro, text=f"{title}\n\n{SECRET_LINE}")


def send_url(version):
    return reverse("policies:version-send", args=[version.public_id])


def approve_url(version):
    return reverse("policies:version-approve", args=[version.public_id])


def return_url(version):
    return reverse("policies:version-return", args=[version.public_id])


def test_the_whole_review_through_the_pages(personas, login, client,
                                            django_capture_on_commit_callbacks):
    second_governor = UserFactory(email="gov2@oakfield.example", full_name="Second Governor")
    MembershipFactory(user=second_governor, school=personas.school, roles=[Role.GOVERNOR])
    version = draft(personas)

    # The owner (the information asset owner persona, who does not manage the register)
    # sends it.
    login(personas.iao)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url(version))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.IN_REVIEW
    assert version.sent_for_review_by_label == str(personas.iao)

    # Each governor gets their own e-mail, with the title and link, never the text.
    assert sorted(m.to[0] for m in mail.outbox) == ["gov2@oakfield.example",
                                                    personas.governor.email]
    body = mail.outbox[0].body
    assert "Mobile Phones Policy" in body
    assert f"http://testserver{approve_url(version)}" in body
    assert SECRET_LINE not in body

    # A governor reads it on the approval page and approves it.
    login(personas.governor)
    page = client.get(approve_url(version)).content.decode()
    assert SECRET_LINE in page
    # Today's date in the day, month and year boxes, never the browser's own picker.
    for box, value in (("approved_on_0", "10"), ("approved_on_1", "3"),
                       ("approved_on_2", "2026")):
        assert f'name="{box}"' in page and f'value="{value}"' in page
    assert 'type="date"' not in page
    # The name is asked once, empty: typing it is the signature.
    assert page.count('name="full_name"') == 1 and 'name="signature"' not in page
    assert "Typing your full name here is your signature" in page
    assert 'value="Governor Person"' not in page
    response = client.post(approve_url(version), {
        "full_name": "Governor Person", "approved_on_0": "10", "approved_on_1": "3",
        "approved_on_2": "2026"})
    assert response.status_code == 302
    version.refresh_from_db()
    policy = Policy.objects.get()
    assert version.status == PolicyVersion.Status.APPROVED
    assert version.approved_by == personas.governor
    assert (version.approved_by_name, version.approval_signature, version.approved_on) == (
        "Governor Person", "Governor Person", date(2026, 3, 10))
    assert policy.current_version == version
    assert (policy.approved_on, policy.approved_by_name) == (date(2026, 3, 10), "Governor Person")
    # Next review: the approval date plus the cycle; the term given before is cleared.
    assert (policy.next_review_on, policy.next_review_term) == (date(2027, 3, 10), "")
    actions = list(AuditEvent.objects.filter(action__startswith="agreements.policy_version.")
                   .values_list("action", flat=True))
    assert "agreements.policy_version.sent_for_review" in actions
    assert "agreements.policy_version.approved" in actions


def test_approval_supersedes_the_previous_approved_version(personas):
    first = draft(personas)
    version_send_for_review(version=first, actor=personas.siro, notify=False)
    version_approve(version=first, actor=personas.governor, full_name="G P")
    second = version_add(policy=first.policy, actor=personas.dpo, text="Changed.")
    version_send_for_review(version=second, actor=personas.dpo, notify=False)
    version_approve(version=second, actor=personas.governor, full_name="G P")
    first.refresh_from_db()
    assert first.status == PolicyVersion.Status.SUPERSEDED
    assert Policy.objects.get().current_version == second
    assert AuditEvent.objects.filter(action="agreements.policy_version.superseded").count() == 1


def test_a_non_governor_cannot_approve_or_send_back(personas, login, client):
    version = draft(personas)
    version_send_for_review(version=version, actor=personas.siro, notify=False)
    for persona in ("siro", "dpo", "iao", "staff", "auditor", "trust_admin"):
        login(personas.users[persona])
        assert client.get(approve_url(version)).status_code == 403, persona
        assert client.post(approve_url(version), {
            "full_name": "X", "approved_on": "2026-03-10"}).status_code == 403
        assert client.post(return_url(version), {"comment": "No"}).status_code == 403
    with pytest.raises(NotAllowed):
        version_approve(version=version, actor=personas.siro, full_name="S")
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.IN_REVIEW


def test_a_governor_of_another_school_cannot_approve(personas):
    outsider_governor = UserFactory(full_name="Elsewhere Governor")
    MembershipFactory(user=outsider_governor, school=personas.other_school,
                      roles=[Role.GOVERNOR])
    version = draft(personas)
    version_send_for_review(version=version, actor=personas.siro, notify=False)
    with pytest.raises(NotAllowed):
        version_approve(version=version, actor=outsider_governor, full_name="E")


def test_only_the_owner_siro_or_dpo_may_send_for_review(personas, login, client):
    version = draft(personas)
    for persona in ("staff", "business_manager", "governor", "auditor"):
        login(personas.users[persona])
        assert client.post(send_url(version)).status_code == 403, persona
    with pytest.raises(NotAllowed):
        version_send_for_review(version=version, actor=personas.staff)
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.DRAFT
    assert mail.outbox == []


def test_an_owner_who_left_may_no_longer_send(personas):
    version = draft(personas)
    personas.iao.memberships.update(is_active=False)
    with pytest.raises(NotAllowed):
        version_send_for_review(version=version, actor=personas.iao)


def test_the_approval_date_is_today_or_earlier_and_the_name_is_needed(
        personas, login, client):
    version = draft(personas)
    version_send_for_review(version=version, actor=personas.siro, notify=False)
    login(personas.governor)
    future = client.post(approve_url(version), {
        "full_name": "G P", "approved_on": "2026-03-11"})
    assert "Date of approval must be today or in the past" in future.content.decode()
    missing = client.post(approve_url(version), {"approved_on": "2026-03-10"})
    html = missing.content.decode()
    assert "Enter your full name." in html
    with pytest.raises(DomainError, match="before the version was added"):
        version_approve(version=version, actor=personas.governor, full_name="G P",
                        approved_on=TODAY - timedelta(days=3))
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.IN_REVIEW


def test_a_governor_sends_it_back_with_a_comment(personas, login, client):
    version = draft(personas)
    version_send_for_review(version=version, actor=personas.iao, notify=False)
    login(personas.governor)
    empty = client.post(return_url(version), {"comment": ""})
    assert "Say what needs to change" in empty.content.decode()
    response = client.post(return_url(version), {"comment": "Add the rule for trips."})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.returned_comment == "Add the rule for trips."
    assert Policy.objects.get().current_version is None
    login(personas.iao)
    page = client.get(reverse("policies:version-detail", args=[version.public_id]))
    assert "Add the rule for trips." in page.content.decode()
    event = AuditEvent.objects.get(action="agreements.policy_version.returned")
    assert event.changes["comment"] == "Add the rule for trips."
    # It can be sent again once changed.
    version_send_for_review(version=version, actor=personas.iao, notify=False)


def test_one_version_waits_at_a_time_and_only_drafts_are_sent(personas):
    version = draft(personas)
    version_send_for_review(version=version, actor=personas.siro, notify=False)
    with pytest.raises(DomainError, match="Only a draft"):
        version_send_for_review(version=version, actor=personas.siro, notify=False)
    other = version_add(policy=version.policy, actor=personas.siro, text="Another.")
    with pytest.raises(DomainError, match="already waiting"):
        version_send_for_review(version=other, actor=personas.siro, notify=False)


def test_a_version_not_waiting_cannot_be_approved_or_returned(personas, login, client):
    version = draft(personas)
    login(personas.governor)
    response = client.get(approve_url(version))
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:version-detail", args=[version.public_id])
    with pytest.raises(DomainError, match="not waiting"):
        version_return(version=version, actor=personas.governor, comment="No")


def test_no_governors_means_no_email(personas, django_capture_on_commit_callbacks):
    personas.governor.memberships.update(is_active=False)
    version = draft(personas)
    with django_capture_on_commit_callbacks(execute=True):
        version_send_for_review(version=version, actor=personas.siro)
    assert mail.outbox == []
