"""The import of people: every error named by row and column with nothing written, matching,
re-import changing nothing, dry runs, CSV (with and without BOM, Windows-1252) and XLSX."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from openpyxl import Workbook
from tests.factories import SiteFactory
from tests.personas import Personas

from schoolkeep.audit import sealing
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import CHANGED
from schoolkeep.audit.verify import audit_verify
from schoolkeep.lib.crypto import keyed_hash
from schoolkeep.people import services
from schoolkeep.people.imports import (
    HEADINGS,
    ImportFileError,
    ImportResult,
    parse_date,
    people_import,
)
from schoolkeep.people.models import Check, Person

FILES = Path(__file__).parent / "files"


def audit_get(**lookups: Any) -> AuditEvent:
    """One audit event with its sealed values opened (events about a person are sealed)."""
    return sealing.open_in_place([AuditEvent.objects.get(**lookups)])[0]


@pytest.fixture
def sites(personas: Personas) -> None:
    SiteFactory(school=personas.school, name="Main site")
    SiteFactory(school=personas.school, name="Annexe")


def run(personas: Personas, path: Path, **options: Any) -> ImportResult:
    return people_import(path, school=personas.school, actor=personas.hr_admin, **options)


def write_csv(tmp_path: Path, rows: list[dict[str, str]], name: str = "people.csv") -> Path:
    headings = list(dict.fromkeys(key for row in rows for key in row))
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headings)
        writer.writeheader()
        writer.writerows(rows)
    return path


def state() -> tuple[int, int, int, int]:
    """What an import could write: people, checks, site links, audit events."""
    return (Person.objects.count(), Check.objects.count(),
            Person.sites.through.objects.count(), AuditEvent.objects.count())


def where(result: ImportResult) -> set[tuple[int, str]]:
    return {(problem.row, problem.column) for problem in result.problems}


def message(result: ImportResult, row: int, column: str) -> str:
    return next(p.message for p in result.problems if (p.row, p.column) == (row, column))


def make(personas: Personas, full_name: str, **fields: Any) -> Person:
    fields.setdefault("kind", "support")
    return services.person_create(school=personas.school, actor=personas.hr_admin,
                                  full_name=full_name, **fields)


# --- A first import and importing again -------------------------------------------------

@pytest.mark.usefixtures("sites")
def test_a_file_adds_people_checks_and_sites_with_the_derived_fields(
        personas: Personas) -> None:
    result = run(personas, FILES / "staff.csv")

    assert result.ok, result.problems
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    assert result.written and result.file_format == "csv"
    amelia = Person.objects.get(staff_number="T001")
    assert amelia.full_name == "Amelia Hart" and amelia.preferred_name == "Millie"
    assert amelia.name_key == "amelia hart"
    assert amelia.date_of_birth == date(1985, 2, 14)
    assert amelia.date_of_birth_hash == keyed_hash("1985-02-14", purpose="person-dob")
    assert amelia.kind == "teaching" and amelia.does_teaching_work
    assert not amelia.is_management_post
    assert amelia.start_date == date(2015, 9, 1) and amelia.version == 1
    assert [site.name for site in amelia.sites.all()] == ["Main site"]
    dbs = amelia.checks.get(check_type="enhanced_dbs")
    assert (dbs.status, dbs.done_on, dbs.dbs_issued_on) == ("done", date(2015, 7, 21),
                                                            date(2015, 7, 10))
    assert dbs.dbs_certificate_number == "001234567890"
    assert dbs.dbs_certificate_hash == keyed_hash("001234567890", purpose="dbs-certificate")
    assert dbs.dbs_with_barred_list is True and dbs.on_update_service is True
    assert dbs.update_service_checked_on == date(2025, 3, 1)
    ben = Person.objects.get(staff_number="S014")
    assert ben.kind == "support"  # given by its label
    assert sorted(site.name for site in ben.sites.all()) == ["Annexe", "Main site"]
    assert ben.checks.get(check_type="enhanced_dbs").status == "pending"
    assert ben.checks.get(check_type="right_to_work").right_to_work_expires_on == \
        date(2026, 12, 31)
    carys = Person.objects.get(email="carys.evans@example.org")
    assert carys.date_of_birth is None and carys.date_of_birth_hash == ""
    assert carys.checks.get(check_type="identity").status == "done"  # "Done"


@pytest.mark.usefixtures("sites")
def test_encrypted_values_stay_encrypted_and_audit_shows_them_only_as_changed(
        personas: Personas) -> None:
    run(personas, FILES / "staff.csv")

    amelia = Person.objects.get(staff_number="T001")
    dbs = amelia.checks.get(check_type="enhanced_dbs")
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_of_birth FROM people_person WHERE id = %s", [amelia.pk])
        assert "1985" not in str(cursor.fetchone()[0])
        cursor.execute("SELECT dbs_certificate_number FROM people_check WHERE id = %s",
                       [dbs.pk])
        assert "1234567890" not in str(cursor.fetchone()[0])
    created = audit_get(action="people.person.created",
                                     target_id=str(amelia.public_id))
    assert created.changes["date_of_birth"] == {"before": CHANGED, "after": CHANGED}
    assert created.changes["full_name"]["after"] == "Amelia Hart"
    assert created.changes["sites"]["after"] == ["Main site"]
    assert created.actor_id == personas.hr_admin.pk
    dbs_event = audit_get(action="people.check.created", target_id=str(dbs.public_id))
    assert dbs_event.changes["dbs_certificate_number"] == {"before": CHANGED, "after": CHANGED}
    assert "1234567890" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


@pytest.mark.usefixtures("sites")
def test_one_audit_event_per_record_and_the_chain_verifies(personas: Personas) -> None:
    last = AuditEvent.objects.filter(school=personas.school).order_by("-sequence").first()
    start = last.sequence if last else 0

    result = run(personas, FILES / "staff.csv")

    new = list(AuditEvent.objects.filter(school=personas.school, sequence__gt=start)
               .order_by("sequence"))
    actions = [event.action for event in new]
    assert actions.count("people.person.created") == result.added == 3
    assert actions.count("people.check.created") == result.checks_added == 10
    assert actions[-1] == "people.import.applied" and len(actions) == 14
    assert [event.sequence for event in new] == list(range(start + 1, start + 15))
    assert new[-1].changes["added"] == {"before": None, "after": 3}
    verified = audit_verify()
    assert verified.ok, verified.broken


@pytest.mark.usefixtures("sites")
def test_importing_the_same_file_again_changes_nothing(personas: Personas) -> None:
    run(personas, FILES / "staff.csv")
    versions = list(Person.objects.order_by("pk").values_list("version", "updated_at"))
    written = state()

    again = run(personas, FILES / "staff.csv")

    assert again.ok and (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert (again.checks_added, again.checks_updated) == (0, 0)
    assert state() == written  # no person, check, site link or audit event more
    assert list(Person.objects.order_by("pk").values_list("version", "updated_at")) == versions


@pytest.mark.usefixtures("sites")
def test_the_same_people_as_a_workbook_change_nothing_after_the_csv(
        personas: Personas, tmp_path: Path) -> None:
    """An XLSX file with real date, number and yes/no cells reads as the CSV file does."""
    with open(FILES / "staff.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(rows[0])
    dates = {"Date of birth", "Start date", "Identity date"}
    for row in rows[1:]:
        cells: list[Any] = []
        for heading, value in zip(rows[0], row, strict=True):
            if heading in dates and "/" in value:
                day, month, year = (int(part) for part in value.split("/"))
                cells.append(datetime(year, month, day))
            elif heading == "Teaching work" and value:
                cells.append(value.startswith("y"))
            else:
                cells.append(value or None)
        sheet.append(cells)
    path = tmp_path / "staff.xlsx"
    workbook.save(path)

    first = run(personas, path)
    assert first.ok, first.problems
    assert first.file_format == "xlsx" and first.added == 3
    assert Person.objects.get(staff_number="T001").date_of_birth == date(1985, 2, 14)
    written = state()
    again = run(personas, FILES / "staff.csv")
    assert again.ok and again.unchanged == 3 and state() == written


# --- Encodings and headings -------------------------------------------------------------

def test_utf8_with_bom_and_headings_in_any_case_with_spaces(personas: Personas) -> None:
    assert (FILES / "staff_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    result = run(personas, FILES / "staff_bom.csv")

    assert result.ok, result.problems
    assert not result.notes
    dev = Person.objects.get(staff_number="S200")
    assert dev.full_name == "Dev Patel"
    assert dev.checks.get(check_type="identity").done_on == date(2024, 9, 2)


def test_windows_1252_is_read_with_a_note_and_semicolons_are_understood(
        personas: Personas) -> None:
    result = run(personas, FILES / "volunteers_cp1252.csv")

    assert result.ok, result.problems
    assert any("Windows-1252" in note for note in result.notes)
    person = Person.objects.get()
    assert person.full_name == "Zoë Brönte"
    assert person.job_title == "Reader \u2013 library"  # an en dash, byte 0x96
    assert person.date_of_birth == date(1975, 5, 5)


def test_a_text_file_named_xlsx_and_an_empty_file_cannot_be_read(
        personas: Personas, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError):
        run(personas, tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ImportFileError, match="empty"):
        run(personas, empty)
    zipped = tmp_path / "archive.xlsx"
    import zipfile
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        run(personas, zipped)
    assert state() == (0, 0, 0, AuditEvent.objects.count())


def test_the_template_headings_are_all_known_and_a_file_of_only_headings_says_so(
        personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "template.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(HEADINGS)

    result = run(personas, path)

    assert [str(p) for p in result.problems] == [
        "The file: The file has headings but no rows of people."]


# --- Errors: each names its row and column, and nothing is written ----------------------

def test_every_error_of_the_file_is_reported_and_nothing_is_written(
        personas: Personas) -> None:
    SiteFactory(school=personas.school, name="Main site")
    make(personas, "Existing Person", staff_number="E11X", email="e@example.org")
    before = state()

    result = run(personas, FILES / "errors.csv")

    assert state() == before
    assert not result.written
    assert where(result) == {
        (1, "Favourite colour"),  # unknown heading
        (2, "Kind"),  # unknown kind
        (3, "Date of birth"),  # impossible date
        (4, "Start date"),  # month first
        (5, "Start date"),  # two-digit year
        (6, "Staff number"),  # duplicate of row 2
        (7, "Identity date"),  # done without a date
        (8, "Sites"),  # unknown site
        (9, "Teaching work"),  # not yes or no
        (10, "Leaving date"),  # before the start
        (11, "DBS certificate number"),  # not 12 digits
    }
    assert "does not know this heading" in message(result, 1, "Favourite colour")
    assert "an error" in message(result, 1, "Favourite colour")
    assert "“wizard” is not a kind of person" in message(result, 2, "Kind")
    assert "there is no 31 February 1980" in message(result, 3, "Date of birth")
    assert "month first" in message(result, 4, "Start date")
    assert "13/09/2024" in message(result, 4, "Start date")
    assert "ambiguous" in message(result, 5, "Start date")
    assert "also on row 2" in message(result, 6, "Staff number")
    assert "marked done but has no date" in message(result, 7, "Identity date")
    assert "no site called “Moon base”" in message(result, 8, "Sites")
    assert "Main site" in message(result, 8, "Sites")
    assert "not yes or no" in message(result, 9, "Teaching work")
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert str(result.problems[1]).startswith("Row 2, column “Kind”: ")


@pytest.mark.parametrize(("cells", "column", "words"), [
    ({"Date of birth": "29/02/2023"}, "Date of birth", "no 29 February 2023"),
    ({"Date of birth": "2023-02-29"}, "Date of birth", "no 29 February 2023"),
    ({"Date of birth": "31 June 1990"}, "Date of birth", "no 31 June 1990"),
    ({"Date of birth": "12/25/1990"}, "Date of birth", "month first"),
    ({"Date of birth": "3/9/90"}, "Date of birth", "ambiguous"),
    ({"Date of birth": "3 Smarch 1990"}, "Date of birth", "not a month"),
    ({"Date of birth": "yesterday"}, "Date of birth", "not a date"),
    ({"Date of birth": "01/01/2999"}, "Date of birth", "out of range"),
    ({"Start date": "14/13/2020"}, "Start date", "no month 13"),
    ({"Kind": "Teacher"}, "Kind", "not a kind"),
    ({"Email": "not-an-address"}, "Email", "not an e-mail address"),
    ({"Identity status": "ok"}, "Identity status", "not a status"),
    ({"Identity status": "pending", "Identity date": "01/01/2020"}, "Identity status",
     "marked pending but has a date"),
    ({"DBS date": "01/01/2099"}, "DBS date", "in the future"),
    ({"DBS update service checked": "01/01/2024"}, "DBS update service checked",
     "Update Service"),
    ({"Management post": "maybe"}, "Management post", "not yes or no"),
])
def test_a_wrong_value_names_its_row_and_column(
        personas: Personas, tmp_path: Path, cells: dict[str, str], column: str,
        words: str) -> None:
    row = {"Full name": "Pat Quinn", "Kind": "support", "Staff number": "P1", **cells}
    before = state()

    result = run(personas, write_csv(tmp_path, [row]))

    assert (2, column) in where(result), result.problems
    assert words in message(result, 2, column)
    assert state() == before


def test_a_date_of_birth_must_be_in_the_past(personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write_csv(tmp_path, [
        {"Full name": "Pat Quinn", "Kind": "support", "Staff number": "P1",
         "Date of birth": "2099-01-01"}]))
    assert "must be in the past" in message(result, 2, "Date of birth")


def test_a_new_person_needs_a_kind_and_every_row_a_name_and_an_identifier(
        personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write_csv(tmp_path, [
        {"Full name": "No Kind", "Kind": "", "Staff number": "K1"},
        {"Full name": "", "Kind": "support", "Staff number": "K2"},
        {"Full name": "Nobody Knows", "Kind": "support", "Staff number": ""},
    ]))

    assert where(result) == {(2, "Kind"), (3, "Full name"), (4, "Staff number")}
    assert "needs a kind" in message(result, 2, "Kind")
    assert "found again" in message(result, 4, "Staff number")
    assert Person.objects.count() == 0


def test_a_staff_number_of_another_person_is_an_error(personas: Personas,
                                                      tmp_path: Path) -> None:
    make(personas, "Kim Sato", staff_number="S1", email="kim@example.org")
    make(personas, "Lee Park", email="lee@example.org")
    before = state()

    result = run(personas, write_csv(tmp_path, [
        # Staff number S1 is Kim's but the e-mail is Lee's.
        {"Full name": "Lee Park", "Staff number": "S1", "Email": "lee@example.org"},
        # Found by e-mail (Kim), whose staff number is not S9.
        {"Full name": "Kim Sato", "Staff number": "S9", "Email": "KIM@example.org"},
    ]))

    assert {(2, "Email"), (3, "Staff number")} <= where(result)
    assert "recorded for Lee Park" in message(result, 2, "Email")
    # Both rows are Kim's (by staff number, then by e-mail): said too.
    assert "row 2 are both Kim Sato" in message(result, 3, "Full name")
    assert "staff number is S1, not S9" in message(result, 3, "Staff number")
    assert state() == before


def test_a_name_already_recorded_without_anything_to_tell_them_apart_is_an_error(
        personas: Personas, tmp_path: Path) -> None:
    make(personas, "Jane Smith", email="jane@example.org", staff_number="J1",
         date_of_birth=date(1980, 1, 1))
    before = state()

    result = run(personas, write_csv(tmp_path, [
        # A new e-mail only: e-mails change, so this could be the same Jane.
        {"Full name": "jane  SMITH", "Kind": "support", "Email": "j.smith@example.org"},
    ]))

    assert where(result) == {(2, "Full name")}
    assert "Give a staff number, e-mail or date of birth to say which" in message(
        result, 2, "Full name")
    assert state() == before


def test_a_different_staff_number_or_date_of_birth_adds_a_second_person_of_that_name(
        personas: Personas, tmp_path: Path) -> None:
    make(personas, "Jane Smith", staff_number="J1", date_of_birth=date(1980, 1, 1))

    result = run(personas, write_csv(tmp_path, [
        {"Full name": "Jane Smith", "Kind": "support", "Staff number": "J2",
         "Date of birth": "03/03/1970"},
        {"Full name": "Jane Smith", "Kind": "volunteer", "Staff number": "",
         "Date of birth": "02/02/1990"},
    ]))

    assert result.ok, result.problems
    assert result.added == 2
    assert Person.objects.filter(name_key="jane smith").count() == 3


def test_two_new_rows_of_one_name_need_something_to_tell_them_apart(
        personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write_csv(tmp_path, [
        {"Full name": "Sam Taylor", "Kind": "volunteer", "Email": "sam1@example.org"},
        {"Full name": "Sam Taylor", "Kind": "volunteer", "Email": "sam2@example.org"},
        {"Full name": "Sam Taylor", "Kind": "volunteer", "Email": "sam2@example.org"},
    ]))

    assert (3, "Full name") in where(result)
    assert "Row 2 adds a person of the same name" in message(result, 3, "Full name")
    assert "also on row 3" in message(result, 4, "Email")
    assert Person.objects.count() == 0


def test_one_person_on_two_rows_is_an_error(personas: Personas, tmp_path: Path) -> None:
    make(personas, "Kim Sato", staff_number="S1", email="kim@example.org")

    result = run(personas, write_csv(tmp_path, [
        {"Full name": "Kim Sato", "Staff number": "S1"},
        {"Full name": "Kim Sato", "Email": "kim@example.org"},
    ]))

    assert "row 2 are both Kim Sato" in message(result, 3, "Full name")


def test_a_cell_in_a_column_without_a_heading_is_an_error(personas: Personas,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Full name,Kind,Staff number,\nAl Bo,support,A1,stray\n", encoding="utf-8")

    result = run(personas, path)

    assert where(result) == {(2, "column D")}
    assert "no heading" in result.problems[0].message


def test_a_repeated_heading_is_an_error(personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Full name,Kind,KIND\nAl Bo,support,support\n", encoding="utf-8")

    result = run(personas, path)

    assert (1, "KIND") in where(result)
    assert "appears twice" in message(result, 1, "KIND")


# --- Matching ---------------------------------------------------------------------------

def test_staff_number_comes_first_then_email_then_name_with_date_of_birth(
        personas: Personas, tmp_path: Path) -> None:
    by_staff = make(personas, "Alex Moss", staff_number="S5", date_of_birth=date(1980, 1, 1))
    by_email = make(personas, "Alex Moss", email="alex@example.org",
                    date_of_birth=date(1990, 1, 1))
    by_dob = make(personas, "Chris Lee", date_of_birth=date(1975, 6, 30))

    result = run(personas, write_csv(tmp_path, [
        # Staff number S5 wins over this row's name with date of birth (the second Alex's).
        {"Full name": "Alex Moss", "Staff number": "S5", "Email": "",
         "Date of birth": "01/01/1990", "Job title": "Caretaker"},
        # The e-mail (any case) wins over name with date of birth (the first Alex's).
        {"Full name": "Alex Moss", "Staff number": "", "Email": "ALEX@example.org",
         "Date of birth": "1980-01-01", "Job title": "Cook"},
        # Only name and date of birth: found by them, and given a staff number.
        {"Full name": "chris lee", "Staff number": "C7", "Email": "",
         "Date of birth": "30 June 1975", "Job title": "Driver"},
    ]))

    assert result.ok, result.problems
    assert (result.added, result.updated) == (0, 3)
    by_staff.refresh_from_db()
    by_email.refresh_from_db()
    by_dob.refresh_from_db()
    assert (by_staff.job_title, by_staff.date_of_birth) == ("Caretaker", date(1990, 1, 1))
    assert by_staff.date_of_birth_hash == keyed_hash("1990-01-01", purpose="person-dob")
    assert (by_email.job_title, by_email.date_of_birth) == ("Cook", date(1980, 1, 1))
    assert (by_dob.job_title, by_dob.staff_number) == ("Driver", "C7")
    assert by_dob.full_name == "chris lee" and by_dob.name_key == "chris lee"
    assert by_staff.version == by_email.version == by_dob.version == 2


def test_an_update_records_before_and_after_and_blank_cells_keep_values(
        personas: Personas, tmp_path: Path) -> None:
    person = make(personas, "Rosa Diaz", staff_number="R1", job_title="Teacher",
                  date_of_birth=date(1985, 5, 5), email="rosa@example.org")
    check = services.check_save(person=person, actor=personas.hr_admin,
                                check_type="enhanced_dbs", status="done",
                                done_on=date(2020, 1, 2),
                                dbs_certificate_number="111122223333")

    result = run(personas, write_csv(tmp_path, [{
        "Full name": "Rosa Diaz", "Staff number": "R1", "Job title": "", "Email": "",
        "Date of birth": "06/05/1985", "Management post": "yes",
        "DBS certificate number": "4444 5555 6666", "DBS date": "",
    }]))

    assert result.ok, result.problems
    assert result.preview[0].action == "update"
    assert set(result.preview[0].changed) == {"Date of birth", "Management post",
                                              "DBS certificate number"}
    person.refresh_from_db()
    check.refresh_from_db()
    assert person.job_title == "Teacher" and person.email == "rosa@example.org"  # blank: kept
    assert person.is_management_post and person.date_of_birth == date(1985, 5, 6)
    assert check.dbs_certificate_number == "444455556666"
    assert check.dbs_certificate_hash == keyed_hash("444455556666", purpose="dbs-certificate")
    assert check.done_on == date(2020, 1, 2) and check.version == 2
    person_event = audit_get(action="people.person.updated")
    assert person_event.changes == {
        "date_of_birth": {"before": CHANGED, "after": CHANGED},
        "is_management_post": {"before": False, "after": True},
    }
    check_event = audit_get(action="people.check.updated")
    assert check_event.changes == {"dbs_certificate_number": {"before": CHANGED,
                                                              "after": CHANGED}}
    assert check_event.target_label == "Enhanced DBS for Rosa Diaz"


def test_sites_are_replaced_and_pending_removes_a_date_done(personas: Personas,
                                                            tmp_path: Path) -> None:
    main = SiteFactory(school=personas.school, name="Main site")
    SiteFactory(school=personas.school, name="Annexe")
    person = make(personas, "Omar Ali", staff_number="O1", sites=[main])
    services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                        status="done", done_on=date(2021, 3, 4))

    result = run(personas, write_csv(tmp_path, [{
        "Full name": "Omar Ali", "Staff number": "O1", "Sites": " annexe ;",
        "Identity status": "Pending"}]))

    assert result.ok, result.problems
    person.refresh_from_db()
    assert [site.name for site in person.sites.all()] == ["Annexe"]
    identity = person.checks.get(check_type="identity")
    assert (identity.status, identity.done_on) == ("pending", None)
    event = audit_get(action="people.person.updated")
    assert event.changes == {"sites": {"before": ["Main site"], "after": ["Annexe"]}}
    assert person.version == 2


def test_a_no_on_its_own_does_not_start_a_check(personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write_csv(tmp_path, [
        {"Full name": "Una Bell", "Kind": "volunteer", "Staff number": "U1",
         "DBS update service": "no", "Agency DBS certificate provided": "n"}]))

    assert result.ok and result.checks_added == 0
    assert not Check.objects.exists()


# --- Dry runs ---------------------------------------------------------------------------

@pytest.mark.usefixtures("sites")
def test_a_dry_run_says_what_would_change_and_writes_nothing(personas: Personas,
                                                             tmp_path: Path) -> None:
    before = state()
    dry = run(personas, FILES / "staff.csv", dry_run=True)

    assert dry.ok and not dry.written
    assert (dry.added, dry.updated, dry.unchanged, dry.checks_added) == (3, 0, 0, 10)
    assert "3 people would be added" in dry.summary()
    assert [row.name for row in dry.preview] == ["Amelia Hart", "Ben Okafor", "Carys Evans"]
    assert state() == before

    run(personas, FILES / "staff.csv")
    text = (FILES / "staff.csv").read_text(encoding="utf-8").replace(
        "Class teacher", "Deputy head")
    changed = tmp_path / "staff.csv"
    changed.write_text(text, encoding="utf-8")
    written = state()
    dry = run(personas, changed, dry_run=True)

    assert (dry.added, dry.updated, dry.unchanged) == (0, 1, 2)
    assert dry.preview[0].changed == ["Job title"]
    assert state() == written
    assert Person.objects.get(staff_number="T001").job_title == "Class teacher"


@pytest.mark.usefixtures("sites")
def test_an_empty_date_of_birth_is_not_audited_as_changed(personas: Personas) -> None:
    run(personas, FILES / "staff.csv")

    carys = Person.objects.get(email="carys.evans@example.org")
    created = audit_get(action="people.person.created",
                                     target_id=str(carys.public_id))
    assert "date_of_birth" not in created.changes
    identity = carys.checks.get(check_type="identity")
    event = audit_get(action="people.check.created",
                                   target_id=str(identity.public_id))
    assert "dbs_certificate_number" not in event.changes


def test_the_documentation_describes_every_heading() -> None:
    docs = (Path(__file__).resolve().parents[4] / "docs" / "imports.md").read_text()
    prefixes = {"Identity", "Right to work", "Qualifications", "DBS", "Barred list check",
                "Prohibition check", "Section 128 check", "Overseas checks",
                "Childcare disqualification check", "Agency confirmation"}
    for heading in HEADINGS:
        prefix, _, suffix = heading.rpartition(" ")
        common = suffix in {"status", "date", "evidence", "notes"} and prefix in prefixes
        if heading.endswith(" checked by") and heading[:-len(" checked by")] in prefixes:
            common = True
        assert common or f"| {heading} |" in docs, heading
    for prefix in prefixes:
        assert f"`{prefix}`" in docs, prefix


@pytest.mark.parametrize("written", [
    "03/09/2024", "3/9/2024", "03-09-2024", "03.09.2024", " 3 September 2024 ",
    "3 Sep 2024", "3rd Sept 2024", "3 SEPTEMBER 2024", "2024-09-03", "2024-9-3",
    "2024-09-03 00:00:00", "03/09/2024 00:00", datetime(2024, 9, 3), date(2024, 9, 3),
])
def test_dates_are_read_day_first_or_iso(written: Any) -> None:
    assert parse_date(written) == date(2024, 9, 3)


def test_a_record_changed_after_the_check_is_checked_again_before_writing(
        personas: Personas, tmp_path: Path) -> None:
    path = write_csv(tmp_path, [{"Full name": "Kim Sato", "Kind": "support",
                                 "Staff number": "S1", "Email": "kim@example.org"}])
    assert run(personas, path, dry_run=True).ok
    # Between the check and the import, someone records Kim by hand.
    make(personas, "Kim Sato", staff_number="S2", email="kim@example.org")

    result = run(personas, path)

    assert not result.written
    assert "staff number is S2, not S1" in message(result, 2, "Staff number")
    assert list(Person.objects.values_list("staff_number", flat=True)) == ["S2"]


def test_a_problem_after_rows_already_written_rolls_them_all_back(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from schoolkeep.people.imports import writing

    monkeypatch.setattr(writing, "CHUNK_ROWS", 2)  # rows 2 to 5 are written in two chunks
    rows = [{"Full name": f"Person {n}", "Kind": "support", "Staff number": f"S{n}",
             "Identity date": "01/09/2020"} for n in range(6)]
    rows[5]["Identity date"] = "31/02/2020"
    path = write_csv(tmp_path, rows)
    before = state()

    result = run(personas, path)

    assert not result.written and where(result) == {(7, "Identity date")}
    assert (result.added, result.checks_added, result.preview) == (0, 0, [])
    assert state() == before  # no person, check, site link or audit event
    assert audit_verify().ok


@pytest.mark.usefixtures("sites")
def test_cells_kept_by_their_text_read_as_when_each_is_parsed(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from schoolkeep.lib.import_bounds import ProblemList
    from schoolkeep.lib.tabular import open_source
    from schoolkeep.people.imports import reading

    path = write_csv(tmp_path, [{
        "Full name": f"Person {n}", "Kind": "Teaching" if n % 2 else "support",
        "Sites": "Main site; annexe", "Management post": "yes",
        "Identity date": "31/02/2020" if n in (2, 3) else "01/09/2020",
        "DBS certificate number": "1234-5678-9012"} for n in range(6)])

    def read() -> tuple[list[Any], list[tuple[int, str, str]]]:
        problems = ProblemList()
        rows = [row for row, _ in reading.rows_of(open_source(path, []), problems,
                                                   reading.Sites.of(personas.school))]
        sites = [row.sites for row in rows]
        assert len({id(chosen) for chosen in sites}) == len(rows)  # no list shared
        return ([(row.number, row.person, row.sites, row.checks) for row in rows],
                [(p.row, p.column, p.message) for p in problems])

    kept = read()
    monkeypatch.setattr(reading, "PARSED_PER_COLUMN", 0)  # every cell parsed
    assert read() == kept
    assert [(row, column) for row, column, _ in kept[1]] == [(4, "Identity date"),
                                                              (5, "Identity date")]
