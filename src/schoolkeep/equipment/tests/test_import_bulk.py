"""The equipment import's bulk writes: a new item goes in as a plain row and its audit event's
changes are written out directly (no model instance, no ``diff`` per row). Both must be what
the ORM and ``diff`` give: every field and default of the saved item, the event's target,
label and changes, the chain verified; a changed item's UPDATE sets only what changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import diff
from schoolkeep.audit.verify import audit_verify
from schoolkeep.equipment.imports import equipment_import
from schoolkeep.equipment.imports.writing import snapshot
from schoolkeep.equipment.models import Item
from schoolkeep.equipment.tests.import_records import item, person, write_file

pytestmark = pytest.mark.django_db

HEADINGS = ["Asset tag", "Serial number", "Kind", "Make", "Model", "Holds personal data",
            "Encryption", "Encryption verified on", "Location", "Assigned to", "Status",
            "Notes"]
ROWS = [HEADINGS,
        ["HP-0001", "5cd-1234 abc", "Laptop", "HP", "ProBook 450", "yes", "BitLocker",
         "03/09/2024", "Office", "Karen Doyle", "Deployed", "Screen cracked — “fine”"],
        ["", "SD-77", "USB stick", "", "", "", "", "", "", "", "", ""],
        ["", "", "Tablet", "Apple", "iPad", "no", "none", "", "Library", "", "Lost", ""],
        ["T-9", "", "Backup tapes", "", "", "", "", "", "", "", "", ""]]


def test_new_items_are_saved_and_audited_as_the_orm_would(personas: Personas,
                                                           tmp_path: Path) -> None:
    rows = [*ROWS[:3], ROWS[4]]  # the iPad row has no serial or tag: a problem on its own
    karen = person(personas.school, "Karen Doyle")
    result = equipment_import(write_file(tmp_path, rows), school=personas.school,
                              actor=personas.it_lead)
    assert result.ok and result.added == 3, [str(p) for p in result.problems]
    items = {saved.serial_key or saved.asset_tag_key: saved
             for saved in Item.objects.filter(school=personas.school)}
    laptop = items["5CD1234ABC"]
    assert (laptop.asset_tag, laptop.serial_number, laptop.asset_tag_key) == (
        "HP-0001", "5cd-1234 abc", "HP0001")
    assert laptop.assigned_to_id == karen.pk and laptop.personal_data is True
    assert laptop.encryption_verified_on == date(2024, 9, 3)
    assert laptop.status == Item.Status.IN_USE and laptop.version == 1
    assert laptop.created_at == laptop.updated_at and laptop.incident_id is None
    stick = items["SD77"]  # every field the file leaves out takes the model's default
    assert (stick.personal_data, stick.encryption, stick.status, stick.location,
            stick.asset_tag_key) == (None, Item.Encryption.UNKNOWN, Item.Status.IN_USE, "", "")
    assert items["T9"].kind == Item.Kind.BACKUP_TAPE
    for saved in items.values():
        event = AuditEvent.objects.get(action="equipment.import.item_created",
                                       target_id=str(saved.public_id))
        name = saved.assigned_to.full_name if saved.assigned_to else ""
        assert event.target_type == "equipment.item"
        assert event.target_label == str(saved)
        assert event.changes == diff(None, snapshot(saved, name))
    assert audit_verify().ok


def test_a_changed_item_is_updated_in_bulk(personas: Personas, tmp_path: Path) -> None:
    recorded = item(personas.school, serial="5CD1234ABC", tag="HP-0001", location="Hall",
                    notes="Kept")
    rows = [[*HEADINGS[:3], "Location"], ["hp 0001", "", "", "Office"]]
    result = equipment_import(write_file(tmp_path, rows), school=personas.school,
                              actor=personas.it_lead)
    assert result.ok and result.updated == 1, [str(p) for p in result.problems]
    recorded.refresh_from_db()
    assert (recorded.location, recorded.notes, recorded.asset_tag, recorded.version) == (
        "Office", "Kept", "HP-0001", 2)
    event = AuditEvent.objects.get(action="equipment.import.item_updated")
    assert event.target_label == str(recorded)
    assert event.changes == {"location": {"before": "Hall", "after": "Office"}}
    assert audit_verify().ok


def test_a_row_with_a_problem_still_writes_nothing(personas: Personas,
                                                   tmp_path: Path) -> None:
    result = equipment_import(write_file(tmp_path, ROWS), school=personas.school,
                              actor=personas.it_lead)
    assert not result.ok and [(p.row, p.column) for p in result.problems] == [
        (4, "Serial number"), (2, "Assigned to")]
    assert not Item.objects.filter(school=personas.school).exists()


@pytest.mark.parametrize("values", [
    {"kind": "laptop", "make": "HP", "personal_data": True, "encryption_verified_on":
     date(2024, 9, 3), "notes": "Screen “cracked”\x00", "assigned_to": "Karen Doyle"},
    {"kind": "usb_stick", "personal_data": False, "serial_number": "SD-77"},
    {"kind": "other", "personal_data": None, "location": "", "asset_tag": "T\ud800-9"},
])
def test_a_new_items_changes_text_is_diffs(values: dict[str, object]) -> None:
    from schoolkeep.audit.hashing import canonical_json
    from schoolkeep.equipment.imports.writing import NEW_DEFAULTS, NewItemChanges

    full = NEW_DEFAULTS | {"assigned_to": ""} | values
    writer = NewItemChanges()
    for _ in range(2):  # written, then kept
        assert writer.text(full) == canonical_json(diff(None, full))
