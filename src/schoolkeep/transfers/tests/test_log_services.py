"""The transfer log's services: logging (approved or not, "log it anyway"), the asset's
recipients, the DPO's review, and an incident made from a transfer with its fields carried
over (once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.assets.models import Asset
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_add_from_catalogue, system_create
from schoolkeep.transfers.log.selectors import asset_recipients
from schoolkeep.transfers.log.services import (
    UnapprovedChannel,
    is_listed,
    transfer_incident,
    transfer_log,
    transfer_review,
)
from schoolkeep.transfers.models import DataKind, Recipient, Transfer

pytestmark = pytest.mark.django_db


def channel(school: Any, key: str = "egress") -> System:
    """A catalogue service of the school's register, marked as a transfer channel."""
    system = system_add_from_catalogue(school=school, actor=None, key=key)
    System.objects.filter(pk=system.pk).update(is_transfer_channel=True)
    system.refresh_from_db()
    return system


def asset(school: Any, name: str = "SEN records", **fields: Any) -> Asset:
    group = group_get_or_create(school=school, name="Pupils", actor=None)
    return asset_create(school=school, actor=None, group=group, name=name, **fields)


def sen_by(school: Any, actor: Any, **fields: Any) -> Transfer:
    """SEN information to another school: Egress is the approved channel (the policy)."""
    values: dict[str, Any] = {"data_kind": DataKind.SEN, "recipient": Recipient.SCHOOL,
                              "recipient_name": "St Mary's Primary",
                              "description": "Support plan for J.T."}
    values.update(fields)
    return transfer_log(school=school, actor=actor, **values)


def test_an_approved_channel_needs_no_review(personas: Personas) -> None:
    egress = channel(personas.school)
    transfer = sen_by(personas.school, personas.staff, channel=egress, pupils_named=False,
                      people_count=1)
    assert transfer.approved and transfer.review == Transfer.Review.NOT_NEEDED
    assert transfer.sent_by == personas.staff
    assert transfer.sent_on == timezone.localdate()
    event = AuditEvent.objects.get(action="transfers.transfer.logged")
    assert event.changes["channel"] == "Egress" and event.changes["approved"] is True


def test_an_unapproved_channel_warns_until_confirmed(personas: Personas) -> None:
    with pytest.raises(UnapprovedChannel) as refused:
        sen_by(personas.school, personas.staff, channel_other="Ordinary e-mail")
    assert refused.value.message == ("Ordinary e-mail is not an approved channel for SEN "
                                     "information to another school: log it anyway? The DPO "
                                     "will review it.")
    assert not Transfer.objects.exists()
    transfer = sen_by(personas.school, personas.staff, channel_other="Ordinary e-mail",
                      log_anyway=True)
    assert not transfer.approved and transfer.review == Transfer.Review.TO_REVIEW


def test_a_channel_approved_for_other_data_is_not_approved_here(personas: Personas) -> None:
    s2s = channel(personas.school, "dfe-s2s")
    with pytest.raises(UnapprovedChannel):
        sen_by(personas.school, personas.staff, channel=s2s)
    transfer = transfer_log(school=personas.school, actor=personas.staff, channel=s2s,
                            data_kind=DataKind.CTF_PUPIL_FILE, recipient=Recipient.SCHOOL)
    assert transfer.approved


def test_refusals_name_their_field(personas: Personas) -> None:
    egress = channel(personas.school)
    plain = system_create(school=personas.school, actor=None, name="Office PC")
    other = channel(personas.other_school)
    cases = [
        ({"channel": None}, "channel"),
        ({"channel": egress, "channel_other": "e-mail"}, "channel"),
        ({"channel": plain}, "channel"),
        ({"channel": other}, "channel"),
        ({"channel": egress, "sent_on": timezone.localdate() + timedelta(days=1)}, "sent_on"),
        ({"channel": egress, "data_kind": "gossip"}, "data_kind"),
        ({"channel": egress, "people_count": -1}, "people_count"),
        ({"channel": egress, "asset": asset(personas.other_school)}, "asset"),
        ({"channel": egress, "add_to_asset_recipients": True}, "asset"),
    ]
    for fields, field in cases:
        with pytest.raises(DomainError) as refused:
            sen_by(personas.school, personas.staff, **fields)
        assert refused.value.field == field, fields
    with pytest.raises(NotAllowed):
        sen_by(personas.school, personas.auditor, channel=egress)
    assert not Transfer.objects.exists()


def test_the_recipient_is_added_to_the_assets_recipients(personas: Personas) -> None:
    egress = channel(personas.school)
    records = asset(personas.school, recipients="The local authority")
    sen_by(personas.school, personas.siro, channel=egress, asset=records,
           add_to_asset_recipients=True)
    records.refresh_from_db()
    assert records.recipients == ("The local authority\n"
                                  "St Mary's Primary (another school)")
    assert records.version == 2
    # Named already: not added twice.
    sen_by(personas.school, personas.siro, channel=egress, asset=records,
           add_to_asset_recipients=True)
    records.refresh_from_db()
    assert records.recipients.count("St Mary") == 1


def test_only_who_may_change_the_asset_adds_to_its_recipients(personas: Personas) -> None:
    egress = channel(personas.school)
    records = asset(personas.school)
    with pytest.raises(DomainError) as refused:
        sen_by(personas.school, personas.staff, channel=egress, asset=records,
               add_to_asset_recipients=True)
    assert refused.value.field == "add_to_asset_recipients"
    owner = person_link_account(
        person=person_create(school=personas.school, actor=None, full_name="Staff Person",
                             kind="support"), actor=None, user=personas.staff)
    owned = asset(personas.school, name="Owned records", owner_person=owner)
    sen_by(personas.school, personas.staff, channel=egress, asset=owned,
           add_to_asset_recipients=True)
    owned.refresh_from_db()
    assert owned.recipients == "St Mary's Primary (another school)"
    sen_by(personas.school, personas.staff, channel=egress, asset=records)  # no tick: fine


def test_the_assets_recipients_from_the_log(personas: Personas) -> None:
    egress = channel(personas.school)
    records = asset(personas.school, recipients="St Mary's Primary")
    today = timezone.localdate()
    for days in (3, 1):
        sen_by(personas.school, personas.staff, channel=egress, asset=records,
               sent_on=today - timedelta(days=days))
    transfer_log(school=personas.school, actor=personas.staff, channel_other="Post",
                 data_kind=DataKind.SEN, recipient=Recipient.HEALTH, asset=records,
                 sent_on=today - timedelta(days=2), log_anyway=True)
    rows = asset_recipients(asset=records)
    assert [(r.words, r.count, r.latest, r.listed) for r in rows] == [
        ("St Mary's Primary (another school)", 2, today - timedelta(days=1), True),
        ("Health services", 1, today - timedelta(days=2), False),
    ]


def test_the_dpo_reviews_a_transfer_once(personas: Personas) -> None:
    egress = channel(personas.school)
    approved = sen_by(personas.school, personas.staff, channel=egress)
    with pytest.raises(DomainError):
        transfer_review(transfer=approved, actor=personas.dpo, note="Fine")
    transfer = sen_by(personas.school, personas.staff, channel_other="E-mail", log_anyway=True)
    with pytest.raises(NotAllowed):
        transfer_review(transfer=transfer, actor=personas.business_manager, note="Fine")
    with pytest.raises(DomainError) as refused:
        transfer_review(transfer=transfer, actor=personas.dpo, note=" ")
    assert refused.value.field == "note"
    with pytest.raises(DomainError) as stale:
        transfer_review(transfer=transfer, actor=personas.dpo, note="Fine", version=7)
    assert "changed" in stale.value.message or "saved" in stale.value.message
    reviewed = transfer_review(transfer=transfer, actor=personas.dpo,
                               note="Sent encrypted with a password by phone.", version=1)
    assert reviewed.review == Transfer.Review.REVIEWED and reviewed.reviewed_at
    assert reviewed.reviewed_by_label == str(personas.dpo)
    with pytest.raises(DomainError, match="reviewed already"):
        transfer_review(transfer=transfer, actor=personas.dpo, note="Again")


def test_an_incident_is_made_with_the_transfers_fields(personas: Personas) -> None:
    records = asset(personas.school, name="Pupil records")
    sent_on = timezone.localdate() - timedelta(days=3)
    transfer = sen_by(personas.school, personas.staff, channel_other="Ordinary e-mail",
                      log_anyway=True, pupils_named=True, people_count=2, sent_on=sent_on,
                      asset=records)
    reported = transfer_incident(transfer=transfer, actor=personas.staff)
    incident = reported.incident
    assert incident is not None and incident.school == personas.school
    assert incident.title == "SEN information sent to another school by Ordinary e-mail"
    assert "Support plan for J.T." in incident.description
    assert "not approved" in incident.description
    assert "Pupils named (not initials): Yes." in incident.description
    assert "How many people's data: 2." in incident.description
    assert incident.data_involved == ("SEN information: Support plan for J.T. "
                                      "(information asset: Pupil records)")
    assert timezone.localtime(incident.occurred_at).date() == sent_on
    assert incident.personal_data is True
    with pytest.raises(DomainError, match=f"already reported as {incident.reference}"):
        transfer_incident(transfer=reported, actor=personas.dpo)
    assert AuditEvent.objects.filter(action="transfers.transfer.incident_reported").count() == 1


def test_only_the_sender_or_a_viewer_reports_a_transfer(personas: Personas) -> None:
    transfer = sen_by(personas.school, personas.staff, channel_other="E-mail", log_anyway=True)
    with pytest.raises(NotAllowed):
        transfer_incident(transfer=transfer, actor=personas.dsl)
    assert transfer_incident(transfer=transfer, actor=personas.dpo).incident is not None


@pytest.mark.parametrize(("text", "name", "listed"), [
    ("St Mary's Primary School (another school)", "Mary", False),
    ("St Mary's Primary School (another school)", "St Mary's Primary", False),
    ("St Mary's Primary School (another school)", "St Mary's Primary School", True),
    ("st  mary's primary school", "St Mary's Primary School", True),
    ("Local authority; St Mary's Primary School, Ofsted", "St Mary's Primary School", True),
    ("Local authority; St Mary's Primary School, Ofsted", "Ofsted", True),
    ("Local authority; St Mary's Primary School, Ofsted", "Ofs", False),
    ("Harbour Lane Primary, Hackney (another school)", "Harbour Lane Primary, Hackney", True),
    ("", "St Mary's", False),
])
def test_a_recipient_is_listed_only_by_a_whole_entry(text: str, name: str,
                                                      listed: bool) -> None:
    assert is_listed(text, Recipient.SCHOOL, name) is listed


def test_a_kind_of_recipient_is_listed_only_by_a_whole_entry() -> None:
    assert is_listed("The local authority\nOfsted", Recipient.LOCAL_AUTHORITY)
    assert not is_listed("The local authority's school nurse", Recipient.LOCAL_AUTHORITY)


def test_a_part_of_a_listed_name_is_added_as_its_own_entry(personas: Personas) -> None:
    records = asset(personas.school, recipients="St Mary's Primary School (another school)")
    sen_by(personas.school, personas.dpo, recipient_name="Mary", channel_other="Post",
           log_anyway=True, asset=records, add_to_asset_recipients=True)
    records.refresh_from_db()
    assert records.recipients.splitlines() == ["St Mary's Primary School (another school)",
                                               "Mary (another school)"]


@pytest.mark.parametrize("field", ["recipient_name", "description", "channel_other"])
def test_free_text_with_a_nul_character_is_refused(personas: Personas, field: str) -> None:
    fields: dict[str, Any] = {"channel_other": "Post", "log_anyway": True,
                              field: "Sent\x00 today"}
    with pytest.raises(DomainError) as error:
        sen_by(personas.school, personas.staff, **fields)
    assert error.value.field == field
    assert not Transfer.objects.exists()


def test_a_review_note_with_a_nul_character_is_refused(personas: Personas) -> None:
    transfer = sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True)
    with pytest.raises(DomainError) as error:
        transfer_review(transfer=transfer, actor=personas.dpo, note="Fine\x00", version=1)
    assert error.value.field == "note"
    transfer.refresh_from_db()
    assert transfer.review == Transfer.Review.TO_REVIEW


def test_a_date_before_the_forms_years_is_refused(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
               sent_on=timezone.localdate().replace(year=999, day=1))
    assert error.value.field == "sent_on"
