"""The inventory's services: serial numbers and tags unique per school by their keys, facts
not known kept not known, versions, who may write, the statuses a form may set, and a loss
or theft reported as an incident in one step (refused twice)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.inventory import services
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.incidents.models import Incident
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.systems.tests.records import make_person, make_system

pytestmark = pytest.mark.django_db


def add(personas: Personas, **fields) -> Item:
    fields.setdefault("kind", Item.Kind.LAPTOP)
    return services.item_create(school=personas.school, actor=personas.it_lead, **fields)


def test_create_keeps_keys_and_unknown_facts_and_audits(personas: Personas) -> None:
    sims = make_system(personas)
    item = add(personas, serial_number=" 5cd-1234 abc ", asset_tag="hp-0142", make="HP",
               systems=[sims])
    item.refresh_from_db()
    assert item.serial_number == "5cd-1234 abc" and item.serial_key == "5CD1234ABC"
    assert item.asset_tag_key == "HP0142"
    assert item.personal_data is None and item.encryption == Item.Encryption.UNKNOWN
    assert item.status == Item.Status.IN_USE and item.version == 1
    assert list(item.systems.all()) == [sims]
    event = AuditEvent.objects.get(action="equipment.item.created")
    assert event.actor_id == personas.it_lead.pk
    assert event.changes["systems"] == {"before": None, "after": ["SIMS"]}


@pytest.mark.parametrize(("first", "second", "field"), [
    ({"serial_number": "5CD1234ABC"}, {"serial_number": "5cd-1234-abc"}, "serial_number"),
    ({"asset_tag": "HP-0142"}, {"asset_tag": "hp 0142"}, "asset_tag"),
])
def test_serial_and_tag_unique_per_school_with_a_clear_error(personas: Personas, first,
                                                             second, field) -> None:
    add(personas, **first)
    with pytest.raises(DomainError) as caught:
        add(personas, **second)
    assert caught.value.field == field
    assert "Another item in the inventory" in caught.value.message
    assert "Laptop" in caught.value.message
    services.item_create(school=personas.other_school, actor=personas.outsider,
                         kind=Item.Kind.LAPTOP, **second)  # another school: fine
    assert Item.objects.count() == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "toaster", "serial_number": "X1"}, "kind"),
    ({"serial_number": ""}, "serial_number"),
    ({"serial_number": "X1", "personal_data": "yes"}, "personal_data"),
    ({"serial_number": "X1", "encryption": "rot13"}, "encryption"),
    ({"serial_number": "X1", "encryption_verified_on": date(2026, 1, 5)},
     "encryption_verified_on"),
    ({"serial_number": "X1", "encryption": "bitlocker",
      "encryption_verified_on": timezone.localdate() + timedelta(days=2)},
     "encryption_verified_on"),
    ({"serial_number": "X1", "status": Item.Status.LOST}, "status"),
    ({"serial_number": "X1", "status": Item.Status.DISPOSED}, "status"),
    ({"serial_number": "X1", "wheels": 4}, "wheels"),
])
def test_create_refuses_naming_the_field(personas: Personas, fields, field) -> None:
    with pytest.raises(DomainError) as caught:
        add(personas, **fields)
    assert caught.value.field == field
    assert not Item.objects.exists()


def test_people_and_systems_of_another_school_refused(personas: Personas) -> None:
    stranger = make_person(personas.other_school, "Sam Stranger")
    with pytest.raises(DomainError) as caught:
        add(personas, serial_number="X1", assigned_to=stranger)
    assert caught.value.field == "assigned_to"
    from schoolkeep.systems import services as system_services
    theirs = system_services.system_create(school=personas.other_school,
                                           actor=personas.outsider, name="Their MIS")
    with pytest.raises(DomainError) as caught:
        add(personas, serial_number="X1", systems=[theirs])
    assert caught.value.field == "systems"


def test_read_only_roles_may_not_write(personas: Personas) -> None:
    for user in (personas.auditor, personas.dpo, personas.staff):
        with pytest.raises(NotAllowed):
            services.item_create(school=personas.school, actor=user, kind="laptop",
                                 serial_number="X1")
    item = add(personas, serial_number="X1")
    with pytest.raises(NotAllowed):
        services.item_update(item=item, actor=personas.dpo, version=1, location="Office")


def test_update_versions_audit_and_no_change_saves_nothing(personas: Personas) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    item = add(personas, serial_number="X1")
    same = services.item_update(item=item, actor=personas.it_lead, version=1,
                                serial_number="X1")
    assert same.version == 1
    changed = services.item_update(item=item, actor=personas.business_manager, version=1,
                                   assigned_to=ada, personal_data=True, encryption="bitlocker",
                                   encryption_verified_on=date(2026, 9, 1))
    assert changed.version == 2 and changed.is_encrypted
    event = AuditEvent.objects.get(action="equipment.item.updated")
    assert event.changes["assigned_to"] == {"before": None, "after": "Ada Lovelace"}
    with pytest.raises(StaleVersion):
        services.item_update(item=item, actor=personas.it_lead, version=1, location="Office")


def test_update_keeps_lost_and_disposed_out_of_forms(personas: Personas) -> None:
    item = add(personas, serial_number="X1")
    with pytest.raises(DomainError) as caught:
        services.item_update(item=item, actor=personas.it_lead, version=1, status="stolen")
    assert caught.value.field == "status"
    Item.objects.filter(pk=item.pk).update(status=Item.Status.DISPOSED)
    with pytest.raises(DomainError):
        services.item_update(item=item, actor=personas.it_lead, version=1, status="in_use")


def test_mark_lost_reports_an_incident_in_one_step_and_refuses_twice(
        personas: Personas) -> None:
    item = add(personas, serial_number="5CD1234ABC", asset_tag="HP-0142", personal_data=True,
               encryption="bitlocker")
    lost = services.item_mark_lost(item=item, actor=personas.it_lead, stolen=True,
                                   note="Taken from the staff room on Friday.")
    assert lost.status == Item.Status.STOLEN and lost.incident is not None
    incident = Incident.objects.get()
    assert lost.incident == incident
    assert incident.title == "Laptop HP-0142 stolen"
    assert "Taken from the staff room" in incident.description
    assert "5CD1234ABC" in incident.description and "BitLocker" in incident.description
    assert incident.personal_data is True
    assert AuditEvent.objects.filter(action="equipment.item.reported_lost").count() == 1
    with pytest.raises(DomainError) as caught:
        services.item_mark_lost(item=item, actor=personas.it_lead, stolen=False, note="Again")
    assert f"already reported as {incident.reference}" in caught.value.message
    assert Incident.objects.count() == 1


def test_mark_lost_needs_a_note_and_refuses_a_disposed_item(personas: Personas) -> None:
    item = add(personas, serial_number="X1")
    with pytest.raises(DomainError) as caught:
        services.item_mark_lost(item=item, actor=personas.it_lead, stolen=False, note=" ")
    assert caught.value.field == "note"
    Item.objects.filter(pk=item.pk).update(status=Item.Status.DISPOSED)
    with pytest.raises(DomainError):
        services.item_mark_lost(item=item, actor=personas.it_lead, stolen=False, note="Gone")
    assert not Incident.objects.exists()


def test_the_holder_may_report_their_item_lost_others_may_not(personas: Personas) -> None:
    teacher = make_person(personas.school, "Ellie Morgan")
    teacher.user = personas.staff
    teacher.save()
    item = add(personas, serial_number="X1")
    with pytest.raises(NotAllowed):
        services.item_mark_lost(item=item, actor=personas.staff, stolen=False, note="Gone")
    Loan.objects.create(school=personas.school, item=item, person=teacher,
                        issued_on=date(2026, 9, 1), expected_return_on=date(2026, 12, 1),
                        issued_by_label="IT lead")
    lost = services.item_mark_lost(item=item, actor=personas.staff, stolen=False,
                                   note="Left on the train.")
    assert lost.status == Item.Status.LOST


def test_a_found_item_goes_back_in_use_keeping_its_incident(personas: Personas) -> None:
    item = add(personas, serial_number="X1")
    lost = services.item_mark_lost(item=item, actor=personas.siro, stolen=False, note="Gone")
    found = services.item_update(item=lost, actor=personas.it_lead, version=lost.version,
                                 status="in_use", notes="Found in the hall.")
    assert found.status == Item.Status.IN_USE and found.incident_id == lost.incident_id
