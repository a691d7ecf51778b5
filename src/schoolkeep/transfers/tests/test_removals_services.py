"""Taking material off site: what may go (OFFICIAL-SENSITIVE only, an encrypted device, paper
carried safely, at most a year), who decides (the owner, else the SIRO), withdrawing,
returning and reporting it lost in one step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from tests.personas import Personas

from schoolkeep.assets.models import Classification
from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.models import Item
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people.services import person_create, person_update
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals import selectors
from schoolkeep.transfers.removals.services import (
    may_decide,
    removal_decide,
    removal_report_lost,
    removal_request,
    removal_return,
    removal_withdraw,
)
from schoolkeep.transfers.tests.test_removals_records import (
    device,
    paper_request,
    person_of,
    sensitive_asset,
    today,
)

pytestmark = pytest.mark.django_db


def owned(personas: Personas, **fields):
    return sensitive_asset(personas, owner=person_of(personas, personas.iao, "Olive Owner"),
                           **fields)


def device_request(personas: Personas, item: Item, **fields) -> Removal:
    person_of(personas, personas.staff, "Sam Staff")
    values = {"form": Removal.Form.DEVICE, "item": item, "description": "Marking laptop",
              "reason": "Marking at home", "standing": True, "starts_on": today(),
              "ends_on": today() + timedelta(days=200)}
    values.update(fields)
    return removal_request(school=personas.school, actor=personas.staff,
                           asset=values.pop("asset", None) or owned(personas), **values)


# --- what may go ---------------------------------------------------------------------------


def test_an_encrypted_device_may_be_requested_and_the_owner_is_emailed(personas) -> None:
    person_of(personas, personas.iao, "Olive Owner")
    removal = device_request(personas, device(personas))
    assert removal.status == Removal.Status.REQUESTED
    assert removal.person.user == personas.staff
    assert removal.requested_by == personas.staff
    assert AuditEvent.objects.filter(action="transfers.removal.requested").count() == 1


def test_the_owner_gets_the_link_by_email(personas, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        removal = device_request(personas, device(personas))
    assert [message.to for message in mail.outbox] == [[personas.iao.email]]
    assert str(removal.public_id) in mail.outbox[0].body
    assert "Marking laptop" not in mail.outbox[0].body  # nothing of what is taken


@pytest.mark.parametrize("encryption", [Item.Encryption.NONE, Item.Encryption.UNKNOWN])
def test_a_device_not_recorded_as_encrypted_is_refused_naming_the_field(personas,
                                                                         encryption) -> None:
    with pytest.raises(DomainError) as refused:
        device_request(personas, device(personas, encryption=encryption))
    assert refused.value.field == "item"
    assert "ask the it lead to record its encryption" in refused.value.message.lower()
    assert not Removal.objects.exists()


def test_encryption_is_checked_again_at_approval(personas) -> None:
    item = device(personas)
    removal = device_request(personas, item)
    Item.objects.filter(pk=item.pk).update(encryption=Item.Encryption.NONE)
    with pytest.raises(DomainError) as refused:
        removal_decide(removal=removal, actor=personas.iao, approve=True)
    assert refused.value.field == "item"
    removal.refresh_from_db()
    assert removal.status == Removal.Status.REQUESTED


def test_a_lost_device_cannot_go(personas) -> None:
    with pytest.raises(DomainError) as refused:
        device_request(personas, _lost(personas))
    assert refused.value.field == "item"


def _lost(personas: Personas) -> Item:
    item = device(personas, serial="LOST1")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.LOST)
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("classification", [Classification.OFFICIAL,
                                            Classification.UNCLASSIFIED])
def test_only_official_sensitive_assets_need_a_request(personas, classification) -> None:
    person_of(personas, personas.staff)
    asset = owned(personas, classification=classification)
    with pytest.raises(DomainError) as refused:
        paper_request(personas, asset, actor=personas.staff)
    assert refused.value.field == "asset"
    assert "only OFFICIAL-SENSITIVE" in refused.value.message


def test_paper_needs_how_it_is_carried(personas) -> None:
    person_of(personas, personas.staff)
    with pytest.raises(DomainError) as refused:
        paper_request(personas, owned(personas), actor=personas.staff, carried_how="  ")
    assert refused.value.field == "carried_how"


def test_a_standing_approval_is_at_most_a_year(personas) -> None:
    person_of(personas, personas.staff)
    asset = owned(personas)
    with pytest.raises(DomainError) as refused:
        paper_request(personas, asset, actor=personas.staff, standing=True,
                      ends_on=today() + timedelta(days=366))
    assert refused.value.field == "ends_on"
    paper_request(personas, asset, actor=personas.staff, standing=True,
                  ends_on=today() + timedelta(days=365))


def test_a_user_without_a_person_record_is_told_what_to_do(personas) -> None:
    with pytest.raises(DomainError) as refused:
        paper_request(personas, owned(personas), actor=personas.dsl)
    assert refused.value.field == "person"


def test_the_auditor_may_not_ask(personas) -> None:
    person_of(personas, personas.auditor)
    with pytest.raises(NotAllowed):
        paper_request(personas, owned(personas), actor=personas.auditor)


# --- who decides ---------------------------------------------------------------------------


def test_only_the_owner_approves(personas) -> None:
    person_of(personas, personas.staff)
    removal = paper_request(personas, owned(personas), actor=personas.staff)
    for other in (personas.siro, personas.dpo, personas.staff, personas.it_lead):
        assert not may_decide(removal=removal, actor=other)
        with pytest.raises(NotAllowed):
            removal_decide(removal=removal, actor=other, approve=True)
    removal = removal_decide(removal=removal, actor=personas.iao, approve=True)
    assert removal.status == Removal.Status.APPROVED
    assert removal.decided_by_label == str(personas.iao)


def test_a_refusal_says_why(personas) -> None:
    person_of(personas, personas.staff)
    removal = paper_request(personas, owned(personas), actor=personas.staff)
    with pytest.raises(DomainError) as refused:
        removal_decide(removal=removal, actor=personas.iao, approve=False)
    assert refused.value.field == "note"
    removal = removal_decide(removal=removal, actor=personas.iao, approve=False,
                             note="Use the scanned copy instead")
    assert removal.status == Removal.Status.REFUSED


def test_the_siro_decides_when_the_owner_has_left(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    asset = sensitive_asset(personas, owner=owner)
    removal = paper_request(personas, asset)
    assert selectors.approver_user_id(removal) == personas.iao.pk
    person_update(person=owner, actor=None, version=owner.version, leaving_date=today())
    assert selectors.approver_user_id(removal) is None
    assert not may_decide(removal=removal, actor=personas.iao)
    assert may_decide(removal=removal, actor=personas.siro)
    assert not may_decide(removal=removal, actor=personas.dpo)


@pytest.mark.parametrize("owner", ["organisation", "unmatched", "nobody", "no_account"])
def test_the_siro_decides_when_the_owner_cannot(personas, owner) -> None:
    from schoolkeep.assets.services import organisation_get_or_create
    fields = {}
    if owner == "organisation":
        fields["owner_organisation"] = organisation_get_or_create(
            school=personas.school, actor=None, name="Backup Co")
    elif owner == "unmatched":
        fields["owner_unmatched"] = "D. Marsh"
    asset = sensitive_asset(personas, owner=(
        person_create(school=personas.school, actor=None, full_name="No Account",
                      kind="support") if owner == "no_account" else None), **fields)
    removal = paper_request(personas, asset)
    assert selectors.approver_user_id(removal) is None
    assert may_decide(removal=removal, actor=personas.siro)
    assert removal_decide(removal=removal, actor=personas.siro, approve=True).status == (
        Removal.Status.APPROVED)


def test_nobody_approves_their_own_request(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    removal = paper_request(personas, sensitive_asset(personas, owner=owner),
                            actor=personas.iao)
    assert removal.person == owner
    assert not may_decide(removal=removal, actor=personas.iao)
    assert may_decide(removal=removal, actor=personas.siro)


def test_a_stale_decision_is_refused(personas) -> None:
    removal = paper_request(personas, owned(personas))
    with pytest.raises(StaleVersion):
        removal_decide(removal=removal, actor=personas.iao, approve=True, version=7)


# --- afterwards ----------------------------------------------------------------------------


def test_the_requester_withdraws_and_nobody_else(personas) -> None:
    person_of(personas, personas.staff)
    removal = paper_request(personas, owned(personas), actor=personas.staff)
    with pytest.raises(NotAllowed):
        removal_withdraw(removal=removal, actor=personas.iao)
    removal = removal_withdraw(removal=removal, actor=personas.staff)
    assert removal.status == Removal.Status.WITHDRAWN
    with pytest.raises(DomainError):
        removal_decide(removal=removal, actor=personas.iao, approve=True)


def test_the_return_is_recorded_by_the_requester_owner_or_siro(personas) -> None:
    person_of(personas, personas.staff)
    asset = owned(personas)
    for who in (personas.staff, personas.iao, personas.siro):
        removal = paper_request(personas, asset, actor=personas.staff)
        with pytest.raises(DomainError):  # not approved yet
            removal_return(removal=removal, actor=who)
        removal_decide(removal=removal, actor=personas.iao, approve=True)
        with pytest.raises(NotAllowed):
            removal_return(removal=removal, actor=personas.dsl)
        removal = removal_return(removal=removal, actor=who)
        assert removal.status == Removal.Status.RETURNED
        assert removal.returned_on == today()
        assert removal.returned_by_label == str(who)


def test_a_lost_device_is_reported_once_through_the_register(personas) -> None:
    item = device(personas)
    removal = device_request(personas, item)
    removal_decide(removal=removal, actor=personas.iao, approve=True)
    removal = removal_report_lost(removal=removal, actor=personas.staff, stolen=True,
                                  note="Taken from a car")
    item.refresh_from_db()
    assert item.status == Item.Status.STOLEN
    assert removal.incident is not None and item.incident == removal.incident
    assert "Marking laptop" in removal.incident.description
    with pytest.raises(DomainError) as again:
        removal_report_lost(removal=removal, actor=personas.staff)
    assert removal.incident.reference in again.value.message


def test_lost_paper_is_reported_directly(personas) -> None:
    person_of(personas, personas.staff)
    removal = paper_request(personas, owned(personas), actor=personas.staff)
    with pytest.raises(DomainError):  # not taken yet
        removal_report_lost(removal=removal, actor=personas.staff)
    removal_decide(removal=removal, actor=personas.iao, approve=True)
    with pytest.raises(NotAllowed):
        removal_report_lost(removal=removal, actor=personas.dsl)
    removal = removal_report_lost(removal=removal, actor=personas.staff, note="Left on a train")
    assert removal.incident is not None
    assert removal.incident.personal_data is True
    assert "Left on a train" in removal.incident.description


def test_without_an_owner_who_can_act_the_siro_gets_the_link(
        personas, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        paper_request(personas, sensitive_asset(personas, owner_unmatched="D. Marsh"))
    assert [message.to for message in mail.outbox] == [[personas.siro.email]]


def test_the_siros_list_to_decide_holds_what_falls_to_the_siro(personas) -> None:
    theirs = paper_request(personas, sensitive_asset(personas, owner_unmatched="D. Marsh"))
    paper_request(personas, owned(personas, name="Owned records"))
    to_decide = selectors.removal_list(school_id=personas.school.pk, show=selectors.TO_APPROVE,
                                       user=personas.siro, is_siro=True)
    assert [removal.pk for removal in to_decide] == [theirs.pk]
    owners = selectors.removal_list(school_id=personas.school.pk, show=selectors.TO_APPROVE,
                                    user=personas.iao)
    assert [removal.description for removal in owners] == ["Printed reports"]
    assert owners[0].asset.name == "Owned records"
