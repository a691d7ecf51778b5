"""The import of the asset register: every format (a policy document as text, CSV, TSV,
XLSX) gives the same register; every rule (headings and synonyms, group headings, repeated
heading rows, markup, owners, access labels and look-alikes, assets identified by group and
name, classifications); invalid rows write nothing; importing again changes nothing; the
seed policy's Appendix 1."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from tests.personas import Personas
from tests.seed import SEED_POLICY

from schoolkeep.assets import services as asset_services
from schoolkeep.assets.imports import (
    COLUMNS,
    ImportFileError,
    ImportResult,
    assets_import,
    writing,
)
from schoolkeep.assets.models import (
    AccessLabel,
    Asset,
    AssetGroup,
    Classification,
    OutsideOrganisation,
)
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import diff
from schoolkeep.audit.verify import audit_verify
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.text import fold
from schoolkeep.people import services as people_services
from schoolkeep.people.models import Person
from schoolkeep.systems.services import system_create

FILES = Path(__file__).parent / "files"
REPOSITORY = Path(__file__).resolve().parents[4]
SEED = SEED_POLICY

# The rows of files/policy.txt's table (and files/register_bom_crlf.csv), for the other formats.
HEADINGS = ["", "Information Asset Owner", "Who has access to enter information", "Purpose"]
ROWS = [
    HEADINGS,
    ["<b>Pupil data (MIS)</b>", "", "", ""],
    ["Core pupil data", "Amelia Hart", "Pupil Data Administrator",
     "Teaching and learning /statutory returns"],
    ["Attendance", "amelia   HART", "Pupil data administrator / Head",
     "Teaching and learning /statutory returns"],
    ["Tagged (named) student photos", "Amelia Hart", "Head / Deputy / Class Teachers",
     "Teaching and learning"],
    ["Staff data (MIS)", "", "", ""],
    ["Core staff data sets", "Ben Okafor", "HR Administrator / Business Manager",
     "Statutory returns"],
    [],
    HEADINGS,
    ["Disaster recovery", "", "", ""],
    ["Managing back-up tapes", "Ben Okafor", "Network manager / Joskoss Technician",
     "Business Continuity"],
    ["Secure remote back-up", "RedStor", "Joskos Technician", "Business Continuity"],
    ["Other potentially sensitive material", "", "", ""],
    ["Tagged (named) student photos", "Ben Okafor", "Class teachers / Network Manager",
     "Teaching and learning"],
    ["CCTV saved footage", "<i>CCTV support company</i>", "<i>automated system</i>",
     "Safety / security"],
    ["Governors' documents", "Carys Evans", "Business Manager / Head", "Governance"],
]


def run(personas: Personas, path: Path, **options: Any) -> ImportResult:
    options.setdefault("actor", personas.data_admin)
    return assets_import(path, school=personas.school, **options)


@pytest.fixture
def people(personas: Personas) -> dict[str, Person]:
    """The people of the school the files name (Carys Evans is not one of them)."""
    return {name: people_services.person_create(
        school=personas.school, actor=personas.siro, full_name=name, kind="support")
        for name in ("Amelia Hart", "Ben Okafor")}


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row] or [None])
    workbook.save(path)
    return path


def write_delimited(path: Path, rows: list[list[str]], delimiter: str, *,
                    line_end: str = "\n", bom: bool = False) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def register(personas: Personas) -> list[tuple[Any, ...]]:
    """The register as (group, position, asset, owner kind, owner, labels, purpose,
    classification, note)."""
    rows = []
    for asset in Asset.objects.filter(school=personas.school).select_related(
            "group", "owner_person", "owner_organisation"):
        kind = ("person" if asset.owner_person_id else "organisation"
                if asset.owner_organisation_id else "unmatched" if asset.owner_unmatched
                else "")
        rows.append((asset.group.name, asset.group.position, asset.name, kind,
                     asset.owner_label, [label.label for label in
                                         asset_services.current_labels(asset)],
                     asset.purpose, asset.classification, asset.classification_note))
    return sorted(rows)


def writes() -> tuple[int, ...]:
    """Everything an import could write."""
    return (AssetGroup.objects.count(), OutsideOrganisation.objects.count(),
            AccessLabel.objects.count(), Asset.objects.count(),
            Asset.access_labels.through.objects.count(), AuditEvent.objects.count())


def where(items: list[Any]) -> set[tuple[int, str]]:
    return {(item.row, item.column) for item in items}


def message(items: list[Any], row: int, column: str) -> str:
    return next(item.message for item in items if (item.row, item.column) == (row, column))


# --- The policy document and the other formats ------------------------------------------

@pytest.mark.usefixtures("people")
def test_a_policy_document_is_read_from_the_line_beginning_appendix_1(
        personas: Personas) -> None:
    result = run(personas, FILES / "policy.txt")

    assert result.ok, result.problems
    assert result.written and result.file_format == "policy document (text)"
    assert [(g.name, len(g.created), g.new) for g in result.groups] == [
        ("Pupil data (MIS)", 3, True), ("Staff data (MIS)", 1, True),
        ("Disaster recovery", 2, True), ("Other potentially sensitive material", 3, True)]
    assert result.summary() == (
        "9 assets in 4 groups: 9 added, 0 changed, 0 unchanged; 4 groups, 2 outside "
        "organisations, 10 access labels added; 3 warnings.")
    # Rows are numbered as the document's lines: the table's first asset is on line 14.
    first = result.groups[0].created[0]
    assert (first.row, first.name) == (14, "Core pupil data")
    assert first.describe() == ("Information Asset Owner: Amelia Hart; Who has access to "
                                "enter information: Pupil Data Administrator")
    assert [group.position for group in AssetGroup.objects.order_by("position")] == [0, 1, 2, 3]
    core = Asset.objects.get(name="Core pupil data")
    assert core.owner_person is not None and core.owner_person.full_name == "Amelia Hart"
    assert core.purpose == "Teaching and learning /statutory returns"
    assert core.classification == Classification.UNCLASSIFIED  # no classification column
    assert core.version == 1 and core.name_key == "core pupil data"


def test_every_format_gives_the_same_register(personas: Personas, people: Any,
                                              tmp_path: Path) -> None:
    files = {
        "document": FILES / "policy.txt",
        "csv with BOM, CRLF": FILES / "register_bom_crlf.csv",
        "tsv without BOM, LF": write_delimited(tmp_path / "register.tsv", ROWS, "\t"),
        "csv without BOM, LF": write_delimited(tmp_path / "plain.csv", ROWS, ","),
        "tsv with BOM, CRLF": write_delimited(tmp_path / "windows.tsv", ROWS, "\t",
                                              line_end="\r\n", bom=True),
        "xlsx": write_xlsx(tmp_path / "register.xlsx", ROWS),
    }
    registers = {}
    for label, path in files.items():
        Asset.access_labels.through.objects.all().delete()
        Asset.objects.all().delete()
        AccessLabel.objects.all().delete()
        OutsideOrganisation.objects.all().delete()
        AssetGroup.objects.all().delete()
        result = run(personas, path)
        assert result.ok, (label, result.problems)
        assert result.created == 9, label
        assert len(result.warnings) == 3, (label, result.warnings)
        registers[label] = register(personas)
    assert {result_label: rows == registers["document"]
            for result_label, rows in registers.items()} == dict.fromkeys(registers, True)
    assert ("Pupil data (MIS)", 0, "Attendance", "person", "Amelia Hart",
            ["Pupil Data Administrator", "Head"], "Teaching and learning /statutory returns",
            "unclassified", "") in registers["document"]


def test_the_kind_of_file_is_told_by_its_content(personas: Personas, tmp_path: Path) -> None:
    named_txt = write_delimited(tmp_path / "register.txt", ROWS, "\t")
    assert run(personas, named_txt, dry_run=True).file_format == "TSV (tab-separated)"
    named_csv = write_xlsx(tmp_path / "register.csv", ROWS)
    assert run(personas, named_csv, dry_run=True).file_format == "Excel workbook (XLSX)"
    semicolons = write_delimited(tmp_path / "semicolons.csv", ROWS, ";")
    assert run(personas, semicolons, dry_run=True).created == 9


def test_windows_1252_text_is_read_with_a_note(personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes("Asset,Owner\r\nPupil data\r\nCafé accounts,Zoë Brontë\r\n"
                     .encode("cp1252"))

    result = run(personas, path)

    assert result.ok and any("Windows-1252" in note for note in result.notes)
    assert Asset.objects.get().name == "Café accounts"
    assert Asset.objects.get().owner_unmatched == "Zoë Brontë"


def test_a_later_appendix_ends_the_table_and_an_earlier_mention_does_not_start_it(
        personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_text("See Appendix 1\tfor\tthe\tassets and Appendix 10.\n"
                    "Appendix 10: not this one\n"
                    "APPENDIX 1 \u2013 Data and information assets\n"
                    "\tOwner\tAccess\n"
                    "Finance\t\t\n"
                    "Invoices\tRedStor\tFinance Officer\n"
                    "Appendix 2: Contacts\n"
                    "Name\tPhone\tEmail\n", encoding="utf-8")

    result = run(personas, path)

    assert result.ok, result.problems
    assert list(Asset.objects.values_list("name", flat=True)) == ["Invoices"]


# --- Headings ---------------------------------------------------------------------------

@pytest.mark.parametrize(("headings", "column"), [
    (["", "Information Asset Owner", "Who has access to enter information", "Purpose"], ""),
    (["Asset", "Owner", "Access", "Purpose"], ""),
    (["information   ASSET", " iao ", "WHO HAS ACCESS TO ENTER INFORMATION", "purpose:"], ""),
    (["Information asset", "InformationAssetOwner", "access", "Purpose"], ""),
])
def test_headings_match_ignoring_case_and_spacing_with_synonyms(
        personas: Personas, tmp_path: Path, headings: list[str], column: str) -> None:
    path = write_delimited(tmp_path / "headings.csv", [
        headings, ["Finance"], ["Invoices", "RedStor", "Finance Officer", "Payments"]], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    asset = Asset.objects.get()
    assert (asset.name, asset.owner_label, asset.purpose) == ("Invoices", "RedStor", "Payments")
    assert [label.label for label in asset_services.current_labels(asset)] == ["Finance Officer"]


def test_unknown_repeated_and_missing_headings_are_problems(personas: Personas,
                                                            tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "headings.csv", [
        ["Owner", "Access", "Colour", "IAO"], ["Finance"], ["RedStor", "Head", "Red", "x"]],
        ",")
    before = writes()

    result = run(personas, path)

    assert writes() == before
    assert where(result.problems) >= {(1, "Colour"), (1, "IAO"), (1, "Asset")}
    assert "does not know this heading" in message(result.problems, 1, "Colour")
    assert "appears twice (also as “Owner”)" in message(result.problems, 1, "IAO")
    assert "no asset column" in message(result.problems, 1, "Asset")


def test_a_file_without_any_register_heading_says_so(personas: Personas,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Dear parents,\nThe school fair is on Friday.\n", encoding="utf-8")

    with pytest.raises(ImportFileError, match="none of the register's headings"):
        run(personas, path)


# --- Group headings, repeated heading rows, markup --------------------------------------

def test_group_headings_repeated_heading_rows_and_a_heading_without_assets(
        personas: Personas, tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "groups.csv", [
        ["Asset", "Owner", "Access"],
        ["Finance", "", ""],
        ["Invoices", "RedStor", "Finance Officer"],
        ["Asset", "Owner", "Access"],
        ["  asset ", "OWNER", "access"],  # repeated (ignoring case and spaces): skipped
        ["Empty heading"],
        ["Premises", "", ""],
        ["Keys", "RedStor", "Site manager"],
    ], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    assert list(AssetGroup.objects.values_list("name", "position")) == [
        ("Finance", 0), ("Premises", 1)]
    assert where(result.warnings) == {(6, "")}
    assert "no asset follows it, so no group is made" in result.warnings[0].message


def test_a_group_column_gives_each_row_its_group(personas: Personas, tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "groups.csv", [
        ["Asset", "Group", "Owner"],
        ["Invoices", "Finance", "RedStor"],
        ["Keys", "premises", "RedStor"],
        ["Payroll", "FINANCE", "RedStor"],
    ], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    assert [(g.name, len(g.created)) for g in result.groups] == [("Finance", 2),
                                                                ("premises", 1)]


def test_markup_is_removed_first_and_remembered(personas: Personas, tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "markup.csv", [
        ["<b>Asset</b>", "<i>Owner</i>", "Access"],
        ["<b>Premises</b>", "<br/>", ""],  # markup alone is an empty cell: a heading row
        ["<span class=\"x\">CCTV</span> footage", "<i>CCTV support company</i>",
         "<em>Caretaker</em>"],
        ["Keys", "Site Services Ltd", "Caretaker"],
    ], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    footage = Asset.objects.get(name="CCTV footage")
    assert footage.group.name == "Premises"
    assert footage.owner_organisation is not None
    assert footage.owner_organisation.name == "CCTV support company"
    # Not marked and not a known supplier: kept as a name to review.
    assert Asset.objects.get(name="Keys").owner_unmatched == "Site Services Ltd"
    assert AccessLabel.objects.get().label == "Caretaker"


# --- Owners -----------------------------------------------------------------------------

def test_owners_are_people_organisations_or_names_flagged_for_review(
        personas: Personas, people: dict[str, Person], tmp_path: Path) -> None:
    school, siro = personas.school, personas.siro
    people_services.person_create(school=school, actor=siro, full_name="Sam Twice",
                                  kind="support", staff_number="T1")
    people_services.person_create(school=school, actor=siro, full_name="Sam Twice",
                                  kind="support", staff_number="T2")
    people_services.person_create(school=school, actor=siro, full_name="Lee Gone",
                                  kind="support", start_date="2015-09-01",
                                  leaving_date="2020-07-31")
    asset_services.organisation_get_or_create(school=school, name="Shred-it", actor=siro)
    system_create(school=school, actor=siro, name="Door entry", supplier="Paxton Ltd")
    path = write_delimited(tmp_path / "owners.csv", [
        ["Asset", "Owner"],
        ["Everything"],
        ["A", "  ben   OKAFOR "],  # a person, whatever the case and spacing
        ["B", "shred-IT"],  # an outside organisation the school has
        ["C", "RedStor"],  # a supplier of the systems catalogue
        ["D", "Paxton Ltd"],  # the supplier of one of the school's systems
        ["E", "<i>Window cleaners</i>"],  # marked: an outside organisation
        ["F", "Carys Evans"],  # nobody: a name flagged for review
        ["G", "Sam Twice"],  # two people of that name: flagged
        ["H", "Lee Gone"],  # a leaver: flagged
        ["I", "Carys Evans"],
    ], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    owners = {a.name: (a.owner_person_id, a.owner_organisation.name if a.owner_organisation
                       else None, a.owner_unmatched)
              for a in Asset.objects.select_related("owner_organisation")}
    assert owners == {
        "A": (people["Ben Okafor"].pk, None, ""),
        "B": (None, "Shred-it", ""),
        "C": (None, "RedStor", ""),
        "D": (None, "Paxton Ltd", ""),
        "E": (None, "Window cleaners", ""),
        "F": (None, None, "Carys Evans"),
        "G": (None, None, "Sam Twice"),
        "H": (None, None, "Lee Gone"),
        "I": (None, None, "Carys Evans"),
    }
    assert result.organisations_created == ["RedStor", "Paxton Ltd", "Window cleaners"]
    assert where(result.warnings) == {(8, "Owner"), (9, "Owner"), (10, "Owner")}
    assert "“Carys Evans” (rows 8, 11) is kept as a name not yet matched, flagged for review" \
        in message(result.warnings, 8, "Owner")
    assert "2 people of the school are called “Sam Twice”" in message(result.warnings, 9,
                                                                       "Owner")
    assert "Lee Gone has left the school" in message(result.warnings, 10, "Owner")


# --- Access labels ----------------------------------------------------------------------

def test_access_labels_are_split_trimmed_and_one_label_whatever_the_case(
        personas: Personas, tmp_path: Path) -> None:
    asset_services.labels_resolve(school=personas.school, labels=["Business Manager"],
                                  actor=personas.siro)
    path = write_delimited(tmp_path / "labels.csv", [
        ["Asset", "Access"],
        ["Finance"],
        ["Invoices", " Finance Officer/business MANAGER /  Head  / "],
        ["Orders", "finance officer / FINANCE OFFICER"],
    ], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    assert result.labels_created == ["Finance Officer", "Head"]
    assert sorted(AccessLabel.objects.values_list("label", "label_key")) == [
        ("Business Manager", "business manager"), ("Finance Officer", "finance officer"),
        ("Head", "head")]
    invoices = Asset.objects.get(name="Invoices")
    assert [label.label for label in asset_services.current_labels(invoices)] == [
        "Finance Officer", "Business Manager", "Head"]  # in the order of the cell
    orders = Asset.objects.get(name="Orders")
    assert [label.label for label in asset_services.current_labels(orders)] == [
        "Finance Officer"]


def test_look_alike_labels_are_a_warning_and_never_merged(personas: Personas,
                                                         tmp_path: Path) -> None:
    asset_services.labels_resolve(school=personas.school, labels=["Site Manager"],
                                  actor=personas.siro)
    path = write_delimited(tmp_path / "labels.csv", [
        ["Asset", "Access"],
        ["Everything"],
        ["A", "USO Nominated contacts / Joskoss Technician"],
        ["B", "Nomintaed Contacts / Joskos Technician"],
        ["C", "Site Manger / Head / Deputy Headteacher / Headteacher"],
    ], ",")

    result = run(personas, path)

    assert result.ok, result.problems
    assert AccessLabel.objects.filter(label__in=[
        "USO Nominated contacts", "Nomintaed Contacts", "Joskoss Technician",
        "Joskos Technician", "Site Manger", "Site Manager"]).count() == 6
    texts = [warning.message for warning in result.warnings]
    assert len(texts) == 3, texts
    assert ("“USO Nominated contacts” (row 3) and “Nomintaed Contacts” (row 4) look alike: "
            "is one a typo? They are kept as two labels") in texts[0] + texts[1]
    assert any("“Joskoss Technician” (row 3) and “Joskos Technician” (row 4)" in text
               for text in texts)
    assert "“Site Manager” (already recorded) and “Site Manger” (row 5)" in texts[2]
    assert {warning.column for warning in result.warnings} == {"Access"}


# --- Assets: identity, classification --------------------------------------------------

def test_the_same_name_in_two_groups_is_two_assets_and_a_warning(personas: Personas,
                                                                tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "twice.csv", [
        ["Asset", "Owner"],
        ["Pupil data"], ["Photos", "RedStor"],
        ["Other material"], ["PHOTOS", "RedStor"],
    ], ",")

    result = run(personas, path)

    assert result.ok and Asset.objects.count() == 2
    assert [str(w) for w in result.warnings] == [
        "Row 5, column “Asset”: “Photos” is in 2 groups: “Pupil data” (row 3), “Other "
        "material” (row 5). They are kept apart as different assets."]


def test_classifications_and_the_old_markings(personas: Personas) -> None:
    result = run(personas, FILES / "classified.tsv")

    assert result.ok, result.problems
    found = {a.name: (a.classification, a.classification_note) for a in Asset.objects.all()}
    assert found == {
        "Core pupil data": ("official_sensitive", ""),
        "Attendance": ("official", ""),
        "Exam data": ("official_sensitive", "Marked “Protect” in the imported register, read "
                                            "as OFFICIAL-SENSITIVE."),
        "Child protection data": ("official_sensitive", "Marked “Restricted” in the imported "
                                                        "register, read as "
                                                        "OFFICIAL-SENSITIVE."),
        "Photos": ("official_sensitive", ""),
        "Dinner money": ("unclassified", ""),  # a blank cell: not yet classified
    }


def test_without_a_classification_column_a_classification_is_left_as_it_is(
        personas: Personas, tmp_path: Path) -> None:
    run(personas, FILES / "classified.tsv")
    path = write_delimited(tmp_path / "again.tsv", [
        ["Asset", "Owner", "Access", "Purpose"], ["Pupil data (MIS)"],
        ["Exam data", "Amelia Hart", "Exams Officer", "Statutory returns and results"],
        ["Dinner money", "Amelia Hart", "Receptionist", "Payments"],
    ], "\t")

    result = run(personas, path)

    exam = Asset.objects.get(name="Exam data")
    assert exam.classification == "official_sensitive" and "Protect" in exam.classification_note
    assert exam.purpose == "Statutory returns and results" and exam.version == 2
    assert [(c.name, c.fields) for c in result.groups[0].changed] == [("Exam data", ["Purpose"])]
    reclassified = write_delimited(tmp_path / "reclassified.tsv", [
        ["Asset", "Classification"], ["Pupil data (MIS)"], ["Exam data", "OFFICIAL"]], "\t")
    again = run(personas, reclassified)
    assert again.groups[0].changed[0].details == [(
        "Classification", "OFFICIAL-SENSITIVE (Marked “Protect” in the imported register, "
        "read as OFFICIAL-SENSITIVE.)", "OFFICIAL")]
    assert Asset.objects.get(name="Exam data").classification_note == ""


# --- Importing again, changes, audit ----------------------------------------------------

@pytest.mark.usefixtures("people")
def test_importing_the_same_file_again_changes_nothing(personas: Personas) -> None:
    run(personas, FILES / "policy.txt")
    before = writes()
    stamps = list(Asset.objects.values_list("pk", "version", "updated_at"))

    result = run(personas, FILES / "policy.txt")

    assert result.ok and not result.written
    assert (result.created, result.changed, result.unchanged) == (0, 0, 9)
    assert not result.organisations_created and not result.labels_created
    assert writes() == before
    assert list(Asset.objects.values_list("pk", "version", "updated_at")) == stamps
    # The same register from another format is the same too.
    assert run(personas, FILES / "register_bom_crlf.csv").unchanged == 9
    assert writes() == before


@pytest.mark.usefixtures("people")
def test_a_changed_file_changes_only_what_changed_with_audit_events(personas: Personas,
                                                                   tmp_path: Path) -> None:
    run(personas, FILES / "policy.txt")
    rows = [list(row) for row in ROWS]
    rows[2][1] = "Ben Okafor"  # Core pupil data: another owner
    rows[3][2] = "Head / Pupil data administrator"  # Attendance: labels in another order
    rows[6][3] = "Statutory returns and payroll"  # Core staff data sets: purpose
    rows.append(["Learning platform", "Amelia Hart", "Class Teachers", "Teaching"])
    path = write_delimited(tmp_path / "changed.csv", rows, ",")
    events = AuditEvent.objects.count()

    result = run(personas, path)

    assert result.ok and result.written
    assert (result.created, result.changed, result.unchanged) == (1, 3, 6)
    assert [(c.name, c.fields) for g in result.groups for c in g.changed] == [
        ("Core pupil data", ["Information Asset Owner"]),
        ("Attendance", ["Who has access to enter information"]),
        ("Core staff data sets", ["Purpose"])]
    details = {c.name: c.details for g in result.groups for c in g.changed}
    assert details == {
        "Core pupil data": [("Information Asset Owner", "Amelia Hart", "Ben Okafor")],
        "Attendance": [("Who has access to enter information",
                        "Pupil Data Administrator / Head", "Head / Pupil Data Administrator")],
        "Core staff data sets": [("Purpose", "“Statutory returns”",
                                  "“Statutory returns and payroll”")]}
    core = Asset.objects.get(name="Core pupil data")
    assert core.owner_person is not None and core.owner_person.full_name == "Ben Okafor"
    assert core.version == 2
    attendance = Asset.objects.get(name="Attendance")
    assert [label.label for label in asset_services.current_labels(attendance)] == [
        "Head", "Pupil Data Administrator"]
    actions = sorted(event.action for event in list(AuditEvent.objects.order_by("pk"))[events:])
    assert actions == ["assets.asset.created", "assets.asset.updated", "assets.asset.updated",
                       "assets.asset.updated", "assets.import.applied"]
    updated = AuditEvent.objects.get(action="assets.asset.updated",
                                     target_id=str(core.public_id))
    assert updated.changes == {"owner_person": {"before": "Amelia Hart",
                                                "after": "Ben Okafor"}}
    assert updated.actor_id == personas.data_admin.pk
    assert audit_verify().ok


@pytest.mark.usefixtures("people")
def test_one_audit_event_per_record_created_with_the_services_snapshot(
        personas: Personas) -> None:
    run(personas, FILES / "policy.txt")

    counts = {action: AuditEvent.objects.filter(action=action).count() for action in (
        "assets.group.created", "assets.organisation.created", "assets.label.created",
        "assets.asset.created", "assets.import.applied")}
    assert counts == {"assets.group.created": 4, "assets.organisation.created": 2,
                      "assets.label.created": 10, "assets.asset.created": 9,
                      "assets.import.applied": 1}
    footage = Asset.objects.get(name="CCTV saved footage")
    event = AuditEvent.objects.get(action="assets.asset.created",
                                   target_id=str(footage.public_id))
    expected = asset_services.asset_snapshot(
        footage, labels=asset_services.current_labels(footage), systems=[])
    assert event.changes == diff(None, expected)  # as asset_create records it
    assert event.changes["owner_organisation"]["after"] == "CCTV support company"
    assert event.changes["access_labels"]["after"] == ["automated system"]
    assert event.changes["group"]["after"] == "Other potentially sensitive material"
    applied = AuditEvent.objects.get(action="assets.import.applied")
    assert applied.changes["created"]["after"] == 9
    assert applied.changes["file"]["after"] == "policy.txt"
    assert audit_verify().ok


def test_derived_fields_are_those_of_the_services(personas: Personas, tmp_path: Path) -> None:
    asset_services.group_get_or_create(school=personas.school, name="Finance",
                                       actor=personas.siro)
    path = write_delimited(tmp_path / "derived.csv", [
        ["Asset", "Owner", "Access"],
        ["  Premises   and  grounds "],
        ["  Key   register ", "RedStor", "  Site   MANAGER "],
        ["FINANCE"], ["Invoices", "RedStor", "Finance officer"],
    ], ",")

    run(personas, path)

    premises = AssetGroup.objects.get(name="Premises and grounds")
    assert (premises.name_key, premises.position) == ("premises and grounds", 1)
    assert AssetGroup.objects.count() == 2  # "FINANCE" is the existing group "Finance"
    key = Asset.objects.get(name_key="key register")
    assert key.name == "Key register" and key.name_key == fold(key.name)
    label = AccessLabel.objects.get(label="Site MANAGER")
    assert label.label_key == fold("Site MANAGER") == "site manager"
    organisation = OutsideOrganisation.objects.get()
    assert organisation.name_key == "redstor"


# --- Invalid rows -----------------------------------------------------------------------

def test_invalid_rows_write_nothing_and_each_problem_names_row_and_column(
        personas: Personas) -> None:
    before = writes()

    result = run(personas, FILES / "errors.csv")

    assert writes() == before and not result.written
    assert [str(problem) for problem in result.problems] == [
        "Row 3, column “Asset”: Every asset needs a name.",
        "Row 4, column “Classification”: “SECRET” is not a classification. Use OFFICIAL or "
        "OFFICIAL-SENSITIVE (the old markings Protect and Restricted are read as "
        "OFFICIAL-SENSITIVE), or leave the cell blank.",
        "Row 5, column “column F”: This cell has a value but is beyond the last heading: "
        "the row has more cells than the heading row.",
        "Row 6, column “Asset”: “core PUPIL data” is already in the group “Pupil data” on "
        "row 2. Give each asset of a group once.",
        "Row 7, column “Classification”: “Top secret” is not a classification. Use OFFICIAL "
        "or OFFICIAL-SENSITIVE (the old markings Protect and Restricted are read as "
        "OFFICIAL-SENSITIVE), or leave the cell blank.",
    ]


def test_a_row_before_any_group_and_a_value_without_a_heading_are_problems(
        personas: Personas, tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "nogroup.csv", [
        ["Asset", "Owner", "", "Access"],
        ["Invoices", "RedStor", "", "Head"],
        ["Finance"],
        ["Orders", "RedStor", "oops", "Head"],
    ], ",")

    result = run(personas, path)

    assert where(result.problems) == {(2, "Asset"), (4, "column C")}
    assert "comes before any group heading" in message(result.problems, 2, "Asset")
    assert "in a column without a heading" in message(result.problems, 4, "column C")
    assert not Asset.objects.exists()


def test_too_long_values_are_problems(personas: Personas, tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "long.csv", [
        ["Asset", "Owner", "Access"], ["Finance"],
        ["x" * 301, "RedStor", "Head"], ["Orders", "y" * 201, "z" * 201],
    ], ",")

    result = run(personas, path)

    assert where(result.problems) == {(3, "Asset"), (4, "Owner"), (4, "Access")}


def test_files_that_cannot_be_read(personas: Personas, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ImportFileError, match="empty"):
        run(personas, empty)
    zipped = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        run(personas, zipped)
    nothing = tmp_path / "policy.txt"
    nothing.write_text("Policy\nAppendix 1: Data and information assets\n\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="the table is missing"):
        run(personas, nothing)
    only_headings = write_delimited(tmp_path / "headings.csv", [["Asset", "Owner"]], ",")
    assert [str(p) for p in run(personas, only_headings).problems] == [
        "The file: The file has headings but no assets."]


# --- Dry run, permission, a register changed meanwhile ----------------------------------

@pytest.mark.usefixtures("people")
def test_a_dry_run_reports_everything_and_writes_nothing(personas: Personas) -> None:
    before = writes()

    result = run(personas, FILES / "policy.txt", dry_run=True)

    assert writes() == before
    assert result.ok and not result.written and result.created == 9
    assert result.summary().startswith("9 assets in 4 groups: 9 would be added")
    assert len(result.warnings) == 3


def test_only_those_who_manage_the_register_may_import(personas: Personas) -> None:
    for persona in ("staff", "iao", "it_lead", "auditor", "outsider"):
        with pytest.raises(NotAllowed):
            run(personas, FILES / "policy.txt", actor=personas.users[persona], dry_run=True)
    for persona in ("siro", "dpo", "data_admin"):
        assert run(personas, FILES / "policy.txt", actor=personas.users[persona],
                   dry_run=True).ok
    assert run(personas, FILES / "policy.txt", actor=None, dry_run=True).ok  # the CLI


@pytest.mark.usefixtures("people")
def test_an_asset_edited_while_importing_means_nothing_is_saved(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(personas, FILES / "policy.txt")
    rows = [list(row) for row in ROWS]
    rows[2][3] = "A new purpose"
    rows.append(["Learning platform", "Amelia Hart", "Class Teachers", "Teaching"])
    path = write_delimited(tmp_path / "changed.csv", rows, ",")
    real_batch = writing.Planner.batch

    def plan_then_someone_edits(self: writing.Planner, rows: Any) -> Any:
        plan = real_batch(self, rows)
        core = Asset.objects.get(name="Core pupil data")
        asset_services.asset_update(asset=core, actor=personas.dpo, version=core.version,
                                    description="Edited meanwhile")
        return plan

    monkeypatch.setattr(writing.Planner, "batch", plan_then_someone_edits)
    before = Asset.objects.count()

    with pytest.raises(ImportFileError, match="Someone changed the register"):
        run(personas, path)

    assert Asset.objects.count() == before
    assert Asset.objects.get(name="Core pupil data").purpose != "A new purpose"


# --- The seed policy --------------------------------------------------------------------

def test_the_seed_policy_imports_as_its_33_assets_in_six_groups(personas: Personas) -> None:
    result = run(personas, SEED)

    assert result.ok, result.problems
    assert [(group.name, len(group.created)) for group in result.groups] == [
        ("Pupil data (MIS)", 9), ("Staff data (MIS)", 2), ("Finance system", 2),
        ("Access control / passwords", 6), ("Disaster recovery", 4),
        ("Other potentially sensitive material", 10)]
    assert Asset.objects.filter(school=personas.school).count() == 33
    assert list(AssetGroup.objects.filter(school=personas.school).values_list(
        "name", "position")) == [
        ("Pupil data (MIS)", 0), ("Staff data (MIS)", 1), ("Finance system", 2),
        ("Access control / passwords", 3), ("Disaster recovery", 4),
        ("Other potentially sensitive material", 5)]
    assert sorted(OutsideOrganisation.objects.values_list("name", flat=True)) == [
        "CCTV support company", "RedStor"]
    warnings = " ".join(str(warning) for warning in result.warnings)
    assert "“Joskoss Technician” (row 93) and “Joskos Technician” (row 94) look alike" \
        in warnings
    assert "“USO Nominated contacts” (row 84) and “Nomintaed Contacts” (row 92) look alike" \
        in warnings
    assert "“Tagged (named) student photos” is in 2 groups" in warnings
    assert AccessLabel.objects.filter(label_key__in=[
        "joskoss technician", "joskos technician", "nomintaed contacts",
        "uso nominated contacts"]).count() == 4
    assert Asset.objects.filter(owner_unmatched="Terence Hudson").count() == 8
    assert all(a.classification == "unclassified" for a in Asset.objects.all())

    again = run(personas, SEED)
    assert (again.created, again.changed, again.unchanged, again.written) == (0, 0, 33, False)


def test_the_documentation_describes_every_column_and_synonym() -> None:
    docs = (REPOSITORY / "docs" / "imports.md").read_text()
    section = docs[docs.index("# Importing the information asset register"):]
    for column in COLUMNS:
        assert f"| {column.heading} |" in section, column.heading
        row = next(line for line in section.splitlines()
                   if line.startswith(f"| {column.heading} |"))
        for synonym in column.synonyms:
            assert synonym == column.heading or synonym in row, synonym
