"""Nobody decides their own request (a SIRO taking material, or asking, passes it to another
SIRO, else the DPO: the decision, the duty and the e-mail alike); an approved request is
withdrawn only before the day it goes; free text holding a NUL is refused naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Personas

from schoolkeep.duties.types import HORIZON
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals import selectors
from schoolkeep.transfers.removals.duties import provider
from schoolkeep.transfers.removals.services import (
    may_decide,
    removal_decide,
    removal_report_lost,
    removal_withdraw,
)
from schoolkeep.transfers.tests.test_removals_records import (
    paper_request,
    person_of,
    sensitive_asset,
    today,
)

pytestmark = pytest.mark.django_db


def _siros_request(personas: Personas, capture) -> Removal:
    """The SIRO asks to take papers whose owner cannot decide (a name not yet matched)."""
    person_of(personas, personas.siro, "Sian Siro")
    with capture(execute=True):
        return paper_request(personas, sensitive_asset(personas, owner_unmatched="D. Marsh"),
                             actor=personas.siro)


def _duty(personas: Personas):
    now = timezone.now()
    [duty] = provider.for_school(personas.school.pk, now=now, horizon=now + HORIZON)
    return duty


def test_a_siros_own_request_falls_to_the_dpo_when_no_other_siro(
        personas, django_capture_on_commit_callbacks) -> None:
    removal = _siros_request(personas, django_capture_on_commit_callbacks)
    assert not may_decide(removal=removal, actor=personas.siro)
    with pytest.raises(NotAllowed):
        removal_decide(removal=removal, actor=personas.siro, approve=True)
    assert selectors.approver_user_id(removal) == personas.dpo.pk
    assert [message.to for message in mail.outbox] == [[personas.dpo.email]]
    duty = _duty(personas)
    assert duty.owner_user_id == personas.dpo.pk and duty.owner_role is None
    assert may_decide(removal=removal, actor=personas.dpo)
    removal = removal_decide(removal=removal, actor=personas.dpo, approve=True)
    assert removal.status == Removal.Status.APPROVED


def test_a_siros_own_request_falls_to_another_siro(
        personas, django_capture_on_commit_callbacks) -> None:
    other = UserFactory(email="second.siro@oakfield.example", full_name="Second Siro")
    MembershipFactory(user=other, school=personas.school, roles=[Role.SIRO])
    removal = _siros_request(personas, django_capture_on_commit_callbacks)
    assert selectors.approver_user_id(removal) == other.pk
    assert [message.to for message in mail.outbox] == [[other.email]]
    assert _duty(personas).owner_user_id == other.pk
    assert not may_decide(removal=removal, actor=personas.siro)
    assert may_decide(removal=removal, actor=other)
    assert not may_decide(removal=removal, actor=personas.dpo)
    to_decide = selectors.removal_list(school_id=personas.school.pk, show=selectors.TO_APPROVE,
                                       user=personas.siro, is_siro=True)
    assert list(to_decide) == []


def test_whoever_asked_never_decides(personas) -> None:
    """Asked by the SIRO (or the owner) for someone else: neither decides it."""
    owner = person_of(personas, personas.iao, "Olive Owner")
    removal = paper_request(personas, sensitive_asset(personas, owner_unmatched="D. Marsh"))
    Removal.objects.filter(pk=removal.pk).update(requested_by=personas.siro)
    removal.refresh_from_db()
    assert not may_decide(removal=removal, actor=personas.siro)
    assert selectors.approver_user_id(removal) == personas.dpo.pk
    owned = paper_request(personas, sensitive_asset(personas, owner=owner, name="Owned"))
    Removal.objects.filter(pk=owned.pk).update(requested_by=personas.iao)
    owned.refresh_from_db()
    assert selectors.approver_user_id(owned) is None
    assert not may_decide(removal=owned, actor=personas.iao)
    assert may_decide(removal=owned, actor=personas.siro)


def test_a_request_awaiting_approval_may_always_be_withdrawn(personas) -> None:
    person_of(personas, personas.staff)
    removal = paper_request(personas, sensitive_asset(personas), actor=personas.staff,
                            days=3)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        removal = removal_withdraw(removal=removal, actor=personas.staff)
    assert removal.status == Removal.Status.WITHDRAWN


def test_an_approved_request_is_withdrawn_only_before_it_goes(personas) -> None:
    person_of(personas, personas.staff)
    asset = sensitive_asset(personas)
    early = paper_request(personas, asset, actor=personas.staff,
                          starts_on=today() + timedelta(days=1), days=3)
    removal_decide(removal=early, actor=personas.siro, approve=True)
    assert removal_withdraw(removal=early, actor=personas.staff).status == (
        Removal.Status.WITHDRAWN)
    gone = paper_request(personas, asset, actor=personas.staff, days=3)  # goes today
    removal_decide(removal=gone, actor=personas.siro, approve=True)
    with pytest.raises(DomainError) as refused:
        removal_withdraw(removal=gone, actor=personas.staff)
    assert refused.value.message == "It has been taken off site: record its return instead."
    gone.refresh_from_db()
    assert gone.status == Removal.Status.APPROVED


@pytest.mark.parametrize("field", ["description", "reason", "carried_how"])
def test_a_nul_in_the_request_is_refused_naming_the_field(personas, field) -> None:
    with pytest.raises(DomainError) as refused:
        paper_request(personas, sensitive_asset(personas), **{field: "In a\x00 bag"})
    assert refused.value.field == field
    assert not Removal.objects.exists()


def test_a_nul_in_a_note_is_refused_naming_the_field(personas) -> None:
    removal = paper_request(personas, sensitive_asset(personas))
    with pytest.raises(DomainError) as refused:
        removal_decide(removal=removal, actor=personas.siro, approve=False, note="No\x00")
    assert refused.value.field == "note"
    removal = removal_decide(removal=removal, actor=personas.siro, approve=True)
    with pytest.raises(DomainError) as refused:
        removal_report_lost(removal=removal, actor=personas.siro, note="On a\x00 train")
    assert refused.value.field == "note"
    assert removal.incident is None
