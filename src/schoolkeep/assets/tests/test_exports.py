"""The full register as XLSX and CSV (every field, no formula injection) and the record of
processing activities (Article 30) with the controller's details at its head."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets import exports, services
from schoolkeep.assets.models import Asset
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.schedule.models import RecordType, RetentionEvent
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create

Login = Callable[[User], Client]
REGISTER_HEADINGS = [column.heading for column in exports.REGISTER_COLUMNS]
DANGEROUS = "=HYPERLINK(\"http://evil.example\",\"Click\")"


def full_asset(personas: Personas, name: str = "Core pupil data", **extra: Any) -> Asset:
    school = personas.school
    fields: dict[str, Any] = {
        "description": "The core record", "purpose": "Statutory returns",
        "owner_person": Person.objects.filter(school=school).first()
        or person_create(school=school, actor=None, full_name="Terence Hudson", kind="support"),
        "access_labels": ["Pupil Data Administrator", "Head"], "lawful_basis": "public_task",
        "special_category_data": True, "article9_condition": "substantial_public_interest",
        "data_subjects": ["pupils", "parents"], "personal_data": "Names, addresses",
        "children_data": True, "classification": "official_sensitive",
        "classification_note": "Was Protect",
        "systems": [System.objects.filter(school=school, name="SIMS").first()
                    or system_create(school=school, actor=None, name="SIMS")],
        "held_on_paper": True, "held_elsewhere": "Office",
        "record_types": [RecordType.objects.get_or_create(
            school=school, name="SEN files", event=RetentionEvent.DATE_OF_BIRTH, years=25)[0]],
        "destruction_method": "Shredding", "recipients": "The DfE",
        "transfers_outside_uk": "To a US cloud provider",
        "transfer_safeguards": "Standard contractual clauses",
        "security_measures": "Two-factor sign-in", "last_reviewed_on": date(2025, 9, 1),
        "next_review_on": date(2026, 9, 1),
    }
    signed_off_on = extra.pop("signed_off_on", date(2025, 1, 15))
    fields.update(extra)
    asset = services.asset_create(
        school=school, actor=None, name=name,
        group=services.group_get_or_create(school=school, name="Pupil data (MIS)", actor=None),
        **fields)
    if signed_off_on:  # a DPIA made from the register's old fields
        Dpia.objects.create(school=school, asset=asset, legacy=True, screening_required=True,
                            state=DpiaState.SIGNED_OFF, signed_off_on=signed_off_on)
    return asset


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_register_xlsx_has_every_field(personas: Personas, login: Login) -> None:
    item = full_asset(personas)
    response = login(personas.staff).get(reverse("assets:register-export"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_TYPE
    assert 'filename="information-assets-oakfield-' in response["Content-Disposition"]
    header, row = xlsx_rows(response.content)
    assert header == REGISTER_HEADINGS
    values = dict(zip(header, row, strict=True))
    assert values["Group"] == "Pupil data (MIS)" and values["Asset"] == "Core pupil data"
    assert values["Information Asset Owner"] == "Terence Hudson"
    assert values["Owner is"] == "Person"
    assert values["Who has access to enter information"] == "Pupil Data Administrator / Head"
    assert values["Lawful basis (Article 6)"] == "Public task (Article 6(1)(e))"
    assert values["Article 9 condition"] == "Substantial public interest (9(2)(g))"
    assert values["Categories of data subjects"] == "Pupils, Parents and carers"
    assert values["Classification"] == "OFFICIAL-SENSITIVE"
    assert values["Systems that hold it"] == "SIMS"
    assert values["Special category data"] == "Yes"
    assert values["DPIA"] == "Signed off (recorded before Schoolkeep tracked it)"
    assert values["DPIA signed off on"].date() == date(2025, 1, 15)
    assert values["Next review due on"].date() == date(2026, 9, 1)
    assert values["Reference"] == str(item.public_id)
    # Every field of the model is in some column.
    written = " ".join(str(v) for v in row)
    for text in ("The core record", "Statutory returns", "Names, addresses", "Was Protect",
                 "Office", "SEN files: 25 years after the pupil's date of birth", "Shredding",
                 "The DfE", "To a US cloud provider",
                 "Standard contractual clauses", "Two-factor sign-in"):
        assert text in written, text


def test_the_register_csv_has_the_same_columns(personas: Personas, login: Login) -> None:
    full_asset(personas)
    full_asset(personas, "Attendance", owner_person=None, owner_unmatched="Emma Allen",
               systems=[], signed_off_on=None)
    response = login(personas.auditor).get(reverse("assets:register-export"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == exports.CSV_TYPE
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == REGISTER_HEADINGS
    assert [row[1] for row in rows[1:]] == ["Attendance", "Core pupil data"]
    attendance = dict(zip(rows[0], rows[1], strict=True))
    assert attendance["Owner is"] == "Name not yet matched"
    assert attendance["DPIA"] == "Not screened"
    assert attendance["DPIA signed off on"] == "" and attendance["Last reviewed on"] == "2025-09-01"


def test_an_unknown_format_is_not_found(personas: Personas, login: Login) -> None:
    assert login(personas.siro).get(reverse("assets:register-export"),
                                    {"format": "pdf"}).status_code == 404


def test_cells_starting_with_tab_or_return_are_quoted() -> None:
    # Stored names and texts are trimmed, but an import may bring such text: the writers
    # guard every cell, whatever made it.
    for start in ("\t", "\r", "=", "+", "-", "@"):
        assert exports.cell_text(f"{start}=1+1") == f"'{start}=1+1"
    assert exports.cell_text(date(2025, 1, 2)) == "2025-01-02" and exports.cell_text(None) == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_no_formula_injection_in_either_format(personas: Personas, start: str) -> None:
    full_asset(personas, name=f"{start}1+1", purpose=DANGEROUS, description="@SUM(A1)")
    assets = Asset.objects.all()
    header, row = xlsx_rows(exports.register_xlsx(assets, school=personas.school))
    values = dict(zip(header, row, strict=True))
    assert values["Purpose"] == "'" + DANGEROUS
    assert values["Description"] == "'@SUM(A1)"
    assert str(values["Asset"]).startswith("'")
    workbook = load_workbook(io.BytesIO(exports.register_xlsx(assets, school=personas.school)))
    sheet = workbook.active
    assert sheet is not None
    assert all(cell.data_type != "f" for cells in sheet.iter_rows() for cell in cells)
    rows = list(csv.reader(io.StringIO(exports.register_csv(assets).decode("utf-8-sig"))))
    csv_values = dict(zip(rows[0], rows[1], strict=True))
    assert csv_values["Purpose"] == "'" + DANGEROUS
    assert csv_values["Asset"].startswith("'")


def test_the_processing_record_has_the_controller_at_its_head(personas: Personas,
                                                             login: Login) -> None:
    full_asset(personas)
    services.asset_settings_update(
        school=personas.school, actor=None, version=1,
        controller_name="Oakfield Primary School",
        controller_contact="1 Oak Lane, Oakfield", dpo_contact="dpo@oakfield.example")
    response = login(personas.governor).get(reverse("assets:processing-record-xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_TYPE
    rows = xlsx_rows(response.content)
    head = {row[0]: row[1] for row in rows[:6]}
    assert head["Controller"] == "Oakfield Primary School"
    assert head["Controller's contact details"] == "1 Oak Lane, Oakfield"
    assert head["Data protection officer's contact details"] == "dpo@oakfield.example"
    assert head["School"] == "Oakfield Primary"
    headings = rows[7]
    assert headings == [column.heading for column in exports.PROCESSING_COLUMNS]
    values = dict(zip(headings, rows[8], strict=True))
    assert values["Information asset"] == "Pupil data (MIS): Core pupil data"
    assert values["Purposes of the processing"] == "Statutory returns"
    assert values["Categories of data subjects"] == "Pupils, Parents and carers"
    assert values["Categories of personal data"] == (
        "Names, addresses Includes special category data. Includes children's data.")
    assert values["Categories of recipients"] == "The DfE"
    assert values["Transfers outside the UK and their safeguards"] == (
        "To a US cloud provider. Safeguards: Standard contractual clauses")
    assert values["Retention (time limits for erasure)"] == (
        "SEN files: 25 years after the pupil's date of birth. Destroyed by: Shredding")
    assert values["Technical and organisational security measures"] == "Two-factor sign-in"
    page = login(personas.governor).get(reverse("assets:processing-record")).content.decode()
    for text in ("Oakfield Primary School", "1 Oak Lane, Oakfield", "dpo@oakfield.example",
                 "Standard contractual clauses",
                 "SEN files: 25 years after the pupil&#x27;s date of birth. Destroyed by: "
                 "Shredding"):
        assert text in page, text


def test_archived_assets_and_other_schools_are_not_exported(personas: Personas,
                                                          login: Login) -> None:
    item = full_asset(personas)
    full_asset(personas, "Attendance")
    services.asset_archive(asset=item, actor=None)
    client = login(personas.siro)
    rows = xlsx_rows(client.get(reverse("assets:register-export")).content)
    assert [row[1] for row in rows] == ["Asset", "Attendance"]
    rows = xlsx_rows(login(personas.outsider).get(reverse("assets:register-export")).content)
    assert rows == [REGISTER_HEADINGS]
