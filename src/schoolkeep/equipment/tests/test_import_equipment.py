"""The equipment import (``equipment_import``): a valid file adds items, assigned people
found by e-mail then name; a recorded item is updated by its serial number, then its tag;
a bad row is named (row and column) and nothing is written; a Snipe-IT export and an XLSX
file are read; one audit event per item changed, chained; the same file twice changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.imports import equipment_import
from schoolkeep.equipment.models import Item
from schoolkeep.equipment.tests.import_records import HEADINGS, item, person, write_file

pytestmark = pytest.mark.django_db

ROWS = [HEADINGS,
        ["HP-0001", "5CD1234ABC", "Laptop", "HP", "ProBook 450", "yes", "BitLocker",
         "Office", "Karen Doyle"],
        ["HP-0002", "5CD1234ABD", "desktops", "HP", "EliteDesk 800", "no", "none",
         "IT cupboard", ""],
        ["", "SD-77", "USB stick", "", "", "not known", "", "", ""]]


def run(personas: Personas, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return equipment_import(path, school=personas.school, actor=personas.it_lead, **kwargs)


def problems_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(problem) for problem in result.problems]


def test_a_valid_file_adds_the_items(personas: Personas, tmp_path: Path) -> None:
    karen = person(personas.school, "Karen Doyle")
    result = run(personas, write_file(tmp_path, ROWS))
    assert result.ok, problems_of(result)
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    laptop = Item.objects.get(school=personas.school, serial_key="5CD1234ABC")
    assert (laptop.kind, laptop.asset_tag_key, laptop.make, laptop.personal_data,
            laptop.encryption, laptop.location, laptop.assigned_to_id) == (
        "laptop", "HP0001", "HP", True, "bitlocker", "Office", karen.pk)
    desktop = Item.objects.get(serial_key="5CD1234ABD")
    assert (desktop.kind, desktop.personal_data, desktop.encryption) == ("desktop", False,
                                                                         "none")
    stick = Item.objects.get(serial_key="SD77")
    assert (stick.kind, stick.personal_data, stick.encryption, stick.status) == (
        "usb_stick", None, "unknown", "in_use")
    created = AuditEvent.objects.filter(action="equipment.import.item_created")
    assert created.count() == 3
    assert created.get(target_id=str(laptop.public_id)).changes["assigned_to"] == {
        "before": None, "after": "Karen Doyle"}
    assert AuditEvent.objects.filter(action="equipment.import.applied").count() == 1
    assert result.summary() == "3 rows: 3 items added, 0 items updated, 0 items unchanged."


def test_the_same_file_again_changes_nothing(personas: Personas, tmp_path: Path) -> None:
    person(personas.school, "Karen Doyle")
    path = write_file(tmp_path, ROWS)
    run(personas, path)
    events = AuditEvent.objects.count()
    again = run(personas, path)
    assert again.ok and (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events
    assert not again.written


def test_a_recorded_item_is_updated_by_serial_then_tag(personas: Personas,
                                                       tmp_path: Path) -> None:
    by_serial = item(personas.school, serial="5cd-1234 abc", tag="OLD-1", location="Hall")
    by_tag = item(personas.school, tag="hp 0002", kind=Item.Kind.DESKTOP)
    result = run(personas, write_file(tmp_path, [
        ["Serial number", "Asset tag", "Location", "Encryption"],
        ["5CD1234ABC", "HP-0001", "Office", "FileVault"],
        ["NEWSERIAL9", "HP-0002", "", "BitLocker"]]))
    assert result.ok, problems_of(result)
    assert (result.added, result.updated) == (0, 2)
    by_serial.refresh_from_db()
    by_tag.refresh_from_db()
    assert (by_serial.asset_tag_key, by_serial.location, by_serial.encryption,
            by_serial.version) == ("HP0001", "Office", "filevault", 2)
    assert (by_tag.serial_key, by_tag.encryption, by_tag.kind) == ("NEWSERIAL9", "bitlocker",
                                                                   "desktop")
    event = AuditEvent.objects.get(action="equipment.import.item_updated",
                                   target_id=str(by_serial.public_id))
    assert event.changes["location"] == {"before": "Hall", "after": "Office"}
    assert "kind" not in event.changes  # a blank or absent column changes nothing
    assert result.preview[0].changed == ["Asset tag", "Location", "Encryption"]


def test_a_bad_row_is_named_and_nothing_is_written(personas: Personas,
                                                   tmp_path: Path) -> None:
    recorded = item(personas.school, serial="5CD1234ABC", location="Hall")
    result = run(personas, write_file(tmp_path, [
        HEADINGS,
        ["HP-0009", "5CD1234ABC", "Laptop", "HP", "", "", "", "Office", ""],
        ["HP-0010", "XYZ", "Laptop", "", "", "perhaps", "", "", ""],
        ["HP-0011", "XYZ2", "", "", "", "", "", "", ""],
        ["HP-0012", "XYZ3", "Laptop", "", "", "", "", "", "Nobody Here"]]))
    assert not result.ok
    assert problems_of(result) == [
        "Row 3, column “Holds personal data”: “perhaps” is not yes, no or not known.",
        "Row 4, column “Kind”: This is a new item: say what kind of item it is (laptop, "
        "desktop, tablet, phone, USB stick...).",
        "Row 5, column “Assigned to”: Nobody on the Single Central Record is Nobody Here. "
        "Add the person first, or leave the cell blank."]
    assert Item.objects.count() == 1
    recorded.refresh_from_db()
    assert recorded.location == "Hall" and recorded.version == 1
    assert not AuditEvent.objects.filter(action__startswith="equipment.import").exists()


def test_duplicates_and_clashes_are_problems(personas: Personas, tmp_path: Path) -> None:
    item(personas.school, serial="AAA1", tag="T-1")
    item(personas.school, serial="BBB2", tag="T-2")
    item(personas.school, serial="CCC3", tag="T-3", status=Item.Status.LOST)
    result = run(personas, write_file(tmp_path, [
        ["Serial", "Asset Tag", "Status", "Category"],
        ["NEW-1", "N-1", "", "Laptops"],
        ["new 1", "N-2", "", "Laptops"],  # the same serial as row 2
        ["AAA1", "T-2", "", ""],          # AAA1's serial, BBB2's tag
        ["CCC3", "", "in use", ""],       # a lost item found again: its page
        ["BBB2", "", "stolen", ""]]))     # a theft: its page
    messages = problems_of(result)
    assert messages[0].startswith("Row 3, column “Serial number”: “new 1” is also the serial "
                                  "number on row 2")
    assert messages[1].startswith("Row 4, column “Asset tag”: The serial number is Laptop "
                                  "T-1's, but the tag “T-2” is Laptop T-2's.")
    assert messages[2].startswith("Row 5, column “Status”: Laptop T-3 is lost here")
    assert messages[3].startswith("Row 6, column “Status”: Laptop T-2 is in use here; an "
                                  "import does not change it to stolen.")
    assert len(messages) == 4 and Item.objects.count() == 3


def test_people_are_found_by_email_then_name(personas: Personas, tmp_path: Path) -> None:
    first = person(personas.school, "Sam Lee", email="sam.lee@oakfield.example")
    person(personas.school, "Sam Lee")
    person(personas.other_school, "Ann Other", email="ann@oakfield.example")
    result = run(personas, write_file(tmp_path, [
        ["Serial", "Kind", "Checked Out To", "Assigned to email"],
        ["S1", "laptop", "Sam Lee", "SAM.LEE@oakfield.example"],
        ["S2", "laptop", "Sam Lee", ""],
        ["S3", "laptop", "", "ann@oakfield.example"]]))
    assert problems_of(result) == [
        "Row 3, column “Assigned to”: 2 people on the record are called Sam Lee: give the "
        "person's e-mail address in an Assigned to email column.",
        "Row 4, column “Assigned to email”: Nobody on the Single Central Record is "
        "ann@oakfield.example. Add the person first, or leave the cell blank."]
    fixed = run(personas, write_file(tmp_path, [
        ["Serial", "Kind", "Checked Out To", "Assigned to email"],
        ["S1", "laptop", "Sam Lee", "SAM.LEE@oakfield.example"]]))
    assert fixed.ok and Item.objects.get().assigned_to_id == first.pk


def test_a_snipe_it_export_is_read(personas: Personas, tmp_path: Path) -> None:
    person(personas.school, "Karen Doyle")
    result = run(personas, write_file(tmp_path, [
        ["Asset Name", "Asset Tag", "Serial", "Model", "Model No.", "Manufacturer",
         "Category", "Location", "Checked Out To", "Status", "Purchase Cost"],
        ["KD laptop", "SK-001", "PF3ABC12", "ThinkPad T14", "20W0", "Lenovo", "Laptops",
         "Staff room", "Karen Doyle", "Deployed", "899.00"],
        ["", "SK-002", "C02XYZ", "iPad 9th gen", "", "Apple", "Tablets", "Store", "",
         "Ready to Deploy", ""],
        ["", "SK-003", "MON-1", "P2422H", "", "Dell", "Monitors", "", "", "Archived", ""]]))
    assert result.ok, problems_of(result)
    thinkpad = Item.objects.get(asset_tag_key="SK001")
    assert (thinkpad.kind, thinkpad.make, thinkpad.model_name, thinkpad.location,
            thinkpad.status, thinkpad.assigned_to.full_name) == (
        "laptop", "Lenovo", "ThinkPad T14", "Staff room", "in_use", "Karen Doyle")
    assert Item.objects.get(asset_tag_key="SK002").status == "in_store"
    monitor = Item.objects.get(asset_tag_key="SK003")
    assert (monitor.kind, monitor.status) == ("other", "awaiting_disposal")
    assert "Read as other equipment (a kind Schoolkeep does not know): “Monitors”." in \
        result.notes
    assert any("“Asset Name”" in note and "“Purchase Cost”" in note for note in result.notes)


def test_an_xlsx_file_is_read(personas: Personas, tmp_path: Path) -> None:
    from datetime import date

    result = run(personas, write_file(tmp_path, [
        ["Serial number", "Kind", "Holds personal data", "Encryption verified on"],
        ["XL-1", "Server", True, date(2024, 9, 3)]], name="equipment.xlsx"))
    assert result.ok, problems_of(result)
    assert result.file_format == "xlsx"
    server = Item.objects.get()
    assert (server.kind, server.personal_data, server.encryption_verified_on) == (
        "server", True, date(2024, 9, 3))


def test_a_dry_run_writes_nothing(personas: Personas, tmp_path: Path) -> None:
    person(personas.school, "Karen Doyle")
    result = run(personas, write_file(tmp_path, ROWS), dry_run=True)
    assert result.ok and result.added == 3 and not result.written
    assert not Item.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="equipment.").exists()


def test_a_file_without_serial_or_tag_column(personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write_file(tmp_path, [["Make", "Model"], ["HP", "ProBook"]]))
    assert problems_of(result) == [
        "Row 1, column “Serial number”: The file has no serial number or asset tag column "
        "(headed Serial number, Serial, Asset tag or Asset Tag, for example): each item is "
        "found by one of them."]
    assert not Item.objects.exists()


def test_another_schools_items_are_never_matched(personas: Personas, tmp_path: Path) -> None:
    theirs = item(personas.other_school, serial="5CD1234ABC", location="Theirs")
    result = run(personas, write_file(tmp_path, [["Serial number", "Kind", "Location"],
                                                 ["5cd1234abc", "laptop", "Ours"]]))
    assert result.ok and result.added == 1
    theirs.refresh_from_db()
    assert theirs.location == "Theirs" and theirs.version == 1
