"""The training import (``training_import``): a valid file adds confirmed, imported records;
people are found by staff number, e-mail, or full name with date of birth; courses by name
or a usual course's key; every kind of bad row is named (row and column) and nothing is
written; a record already there, or a row repeated, is skipped and listed; one audit event
per record added."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit import sealing
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School
from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.imports import training_import
from schoolkeep.training.imports.results import ImportResult
from schoolkeep.training.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db

HEADINGS = ["Staff number", "Email", "Full name", "Date of birth", "Course", "Completed on",
            "Notes"]
CYBER = "Cyber security training for school staff"


def csv_bytes(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(folder: Path, rows: list[list[Any]], name: str = "training.csv") -> Path:
    path = folder / name
    path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return path


def person(school: School, full_name: str, *, staff: str = "", email: str = "",
           born: date | None = None) -> Person:
    return Person.objects.create(
        school=school, full_name=full_name, name_key=derive.name_key(full_name),
        kind="teaching", staff_number=staff, email=email,
        date_of_birth=born.isoformat() if born else "",
        date_of_birth_hash=derive.date_of_birth_hash(born))


def run(personas: Personas, path: Path, **kwargs: Any) -> ImportResult:
    return training_import(path, school=personas.school, actor=personas.business_manager,
                           **kwargs)


def problems_of(result: ImportResult) -> list[str]:
    return [str(problem) for problem in result.problems]


@pytest.fixture
def staff(personas: Personas) -> dict[str, Person]:
    school = personas.school
    ensure_default_courses(school)
    return {"ada": person(school, "Ada Byron", staff="T001", email="ada@oakfield.example"),
            "ben": person(school, "Ben Okafor", email="ben@oakfield.example"),
            "cat": person(school, "Cat Evans", born=date(1980, 5, 17))}


def test_a_valid_file_adds_confirmed_imported_records(personas: Personas, tmp_path: Path,
                                                      staff: dict[str, Person]) -> None:
    rows = [HEADINGS,
            ["T001", "", "", "", CYBER, "03/09/2025", "Inset day"],
            ["", "BEN@oakfield.example", "", "", "safeguarding", "2025-09-04", ""],
            ["", "", "Cat  Evans", "17/05/1980", "Data protection (UK GDPR) awareness",
             "5 September 2025", ""]]
    result = run(personas, write(tmp_path, rows))
    assert result.ok, problems_of(result)
    assert (result.rows, result.added, result.skipped, result.written) == (3, 3, 0, True)
    records = {r.person_id: r for r in TrainingRecord.objects.filter(school=personas.school)}
    ada = records[staff["ada"].pk]
    assert (ada.course.catalogue_key, ada.completed_on, ada.notes, ada.source) == (
        "ncsc_cyber", date(2025, 9, 3), "Inset day", TrainingRecord.Source.IMPORT)
    assert ada.confirmed_at is not None
    assert ada.confirmed_by_label == ada.recorded_by_label == str(personas.business_manager)
    assert records[staff["ben"].pk].course.catalogue_key == "safeguarding"
    assert records[staff["cat"].pk].completed_on == date(2025, 9, 5)
    added = AuditEvent.objects.filter(action="training.import.record_added")
    assert added.count() == 3
    event = sealing.open_in_place([added.get(target_id=str(ada.public_id))])[0]
    assert event.changes["person"] == {"before": None, "after": "Ada Byron"}
    assert event.changes["completed_on"] == {"before": None, "after": "2025-09-03"}
    assert event.target_label == str(ada)
    assert AuditEvent.objects.filter(action="training.import.applied").count() == 1
    assert result.summary() == ("3 rows: 3 training records added, 0 rows skipped "
                                "(already recorded).")


def test_an_xlsx_file_with_date_cells_and_other_headings(personas: Personas, tmp_path: Path,
                                                         staff: dict[str, Person]) -> None:
    rows: list[list[Any]] = [
        ["Email address", "Training", "Completion date", "Score"],
        ["ada@oakfield.example", "ncsc_cyber", date(2025, 10, 1), 95]]
    result = run(personas, write(tmp_path, rows, "training.xlsx"))
    assert result.ok, problems_of(result)
    assert result.file_format == "xlsx" and result.added == 1
    assert any("Score" in note for note in result.notes)
    record = TrainingRecord.objects.get()
    assert (record.person_id, record.completed_on) == (staff["ada"].pk, date(2025, 10, 1))


def test_a_check_writes_nothing(personas: Personas, tmp_path: Path,
                                staff: dict[str, Person]) -> None:
    rows = [HEADINGS, ["T001", "", "", "", CYBER, "03/09/2025", ""]]
    events = AuditEvent.objects.count()
    result = run(personas, write(tmp_path, rows), dry_run=True)
    assert result.ok and result.added == 1 and not result.written
    assert result.adding == [{"row": 2, "person": "Ada Byron", "course": CYBER,
                              "completed_on": "3 September 2025"}]
    assert not TrainingRecord.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_usual_courses_are_added_before_a_file_names_them(personas: Personas,
                                                              tmp_path: Path) -> None:
    person(personas.school, "Dee Lee", staff="S9")
    path = write(tmp_path, [HEADINGS, ["S9", "", "", "", "NCSC cyber", "01/10/2025", ""]])
    checked = run(personas, path, dry_run=True)
    assert checked.ok and checked.added == 1, problems_of(checked)
    assert any(CYBER in note for note in checked.notes)
    assert not Course.objects.exists()  # the check adds nothing
    result = run(personas, path)
    assert result.ok and result.added == 1
    record = TrainingRecord.objects.get()
    assert record.course.catalogue_key == "ncsc_cyber"
    # Only the usual course the file names is added (not data protection nor safeguarding),
    # and its creation is audited.
    assert list(Course.objects.filter(school=personas.school)
                .values_list("catalogue_key", flat=True)) == ["ncsc_cyber"]
    assert AuditEvent.objects.filter(action="training.course.created").count() == 1


def test_a_record_already_there_and_a_repeated_row_are_skipped(
        personas: Personas, tmp_path: Path, staff: dict[str, Person]) -> None:
    rows = [HEADINGS, ["T001", "", "", "", CYBER, "03/09/2025", ""]]
    assert run(personas, write(tmp_path, rows)).added == 1
    again = [*rows, ["", "ben@oakfield.example", "", "", CYBER, "03/09/2025", ""],
             ["", "ada@oakfield.example", "", "", "ncsc_cyber", "2025-09-03", ""],
             ["", "ben@oakfield.example", "", "", CYBER, "3/9/2025", ""]]
    result = run(personas, write(tmp_path, again, "again.csv"))
    assert result.ok, problems_of(result)
    assert (result.added, result.skipped) == (1, 3)
    assert [(row["row"], row["why"]) for row in result.skipping] == [
        (2, "Already recorded."), (4, "Already recorded."), (5, "The same as row 3.")]
    assert TrainingRecord.objects.count() == 2
    # The same file a third time adds nothing and writes nothing.
    events = AuditEvent.objects.count()
    third = run(personas, write(tmp_path, again, "again.csv"))
    assert (third.added, third.skipped, third.written) == (0, 4, False)
    assert AuditEvent.objects.count() == events


def test_a_withdrawn_record_does_not_stop_the_same_day_again(
        personas: Personas, tmp_path: Path, staff: dict[str, Person]) -> None:
    rows = [HEADINGS, ["T001", "", "", "", CYBER, "03/09/2025", ""]]
    run(personas, write(tmp_path, rows))
    TrainingRecord.objects.update(withdrawn_at=timezone.now(), withdrawn_reason="Wrong day")
    result = run(personas, write(tmp_path, rows))
    assert result.added == 1 and TrainingRecord.objects.count() == 2


TOMORROW_BUT_ONE = (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")
BAD_ROWS = [
    (["T001", "", "", "", CYBER, "31/02/2025", ""], "Completed on", "no 31 February 2025"),
    (["T001", "", "", "", CYBER, TOMORROW_BUT_ONE, ""], "Completed on", "in the future"),
    (["T001", "", "", "", CYBER, "09/13/2025", ""], "Completed on", "month first"),
    (["T001", "", "", "", CYBER, "01/01/1901", ""], "Completed on",
     "on or after 01/01/2000"),
    (["T001", "", "", "", CYBER, "", ""], "Completed on", "blank"),
    (["T001", "", "", "", "", "03/09/2025", ""], "Course", "blank"),
    (["T001", "", "", "", "First aid", "03/09/2025", ""], "Course",
     "not one of the school's courses"),
    (["T999", "", "", "", CYBER, "03/09/2025", ""], "Staff number", "T999"),
    (["", "nobody@oakfield.example", "", "", CYBER, "03/09/2025", ""], "Email",
     "nobody@oakfield.example"),
    (["", "not an address", "", "", CYBER, "03/09/2025", ""], "Email",
     "not an e-mail address"),
    (["", "", "Cat Evans", "", CYBER, "03/09/2025", ""], "Date of birth",
     "A name alone"),
    (["", "", "Cat Evans", "18/05/1980", CYBER, "03/09/2025", ""], "Full name",
     "Nobody on the Single Central Record is Cat Evans"),
    (["", "", "", "", CYBER, "03/09/2025", ""], "Full name", "who completed"),
    (["T001", "ben@oakfield.example", "", "", CYBER, "03/09/2025", ""], "Email",
     "Ada Byron's but its e-mail is Ben Okafor's"),
    (["T001", "", "", "", CYBER, "03/09/2025", "x" * 501], "Notes", "at most 500"),
]


@pytest.mark.parametrize(("bad", "column", "says"), BAD_ROWS)
def test_each_kind_of_bad_row_is_named_and_nothing_is_written(
        personas: Personas, tmp_path: Path, staff: dict[str, Person], bad: list[str],
        column: str, says: str) -> None:
    rows = [HEADINGS, ["", "ben@oakfield.example", "", "", CYBER, "03/09/2025", ""], bad]
    events = AuditEvent.objects.count()
    result = run(personas, write(tmp_path, rows))
    assert not result.ok and not result.written
    problem = result.problems[0]
    assert (problem.row, problem.column) == (3, column), problems_of(result)
    assert says in problem.message, problem.message
    assert result.adding == []
    assert not TrainingRecord.objects.exists()  # the good row 2 is not written either
    assert AuditEvent.objects.count() == events


def test_every_problem_of_the_file_is_reported_at_once(
        personas: Personas, tmp_path: Path, staff: dict[str, Person]) -> None:
    rows = [HEADINGS, ["T999", "", "", "", CYBER, "03/09/2025", ""],
            ["T001", "", "", "", "First aid", "32/01/2025", ""]]
    result = run(personas, write(tmp_path, rows))
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "Completed on"), (2, "Staff number"), (3, "Course")]


def test_people_sharing_an_e_mail_or_a_name_and_birth_date_are_not_guessed(
        personas: Personas, tmp_path: Path, staff: dict[str, Person]) -> None:
    school = personas.school
    person(school, "Eve Shared", email="office@oakfield.example")
    person(school, "Fay Shared", email="office@oakfield.example")
    person(school, "Cat Evans", born=date(1980, 5, 17))
    rows = [HEADINGS, ["", "office@oakfield.example", "", "", CYBER, "03/09/2025", ""],
            ["", "", "Cat Evans", "17/05/1980", CYBER, "03/09/2025", ""]]
    result = run(personas, write(tmp_path, rows))
    assert [(p.row, p.column) for p in result.problems] == [(2, "Email"), (3, "Full name")]
    assert "Eve Shared, Fay Shared" in result.problems[0].message
    assert "staff number" in result.problems[1].message


def test_an_archived_course_is_not_matched(personas: Personas, tmp_path: Path,
                                           staff: dict[str, Person]) -> None:
    Course.objects.create(school=personas.school, name="Fire safety", name_key="fire safety",
                          topic=Course.Topic.OWN, archived_at=timezone.now())
    rows = [HEADINGS, ["T001", "", "", "", "Fire safety", "03/09/2025", ""]]
    result = run(personas, write(tmp_path, rows))
    assert [(p.row, p.column) for p in result.problems] == [(2, "Course")]


def test_a_school_s_own_course_and_another_school_s_people(
        personas: Personas, tmp_path: Path, staff: dict[str, Person]) -> None:
    Course.objects.create(school=personas.school, name="Fire safety", name_key="fire safety",
                          topic=Course.Topic.OWN)
    other = School.objects.create(name="Elsewhere", slug="elsewhere")
    person(other, "Gus Away", staff="X1")
    rows = [HEADINGS, ["T001", "", "", "", "FIRE  safety", "03/09/2025", ""],
            ["X1", "", "", "", "Fire safety", "03/09/2025", ""]]
    result = run(personas, write(tmp_path, rows))
    assert [(p.row, p.column) for p in result.problems] == [(3, "Staff number")]
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(("headings", "column", "says"), [
    (["Staff number", "Completed on"], "Course", "no Course column"),
    (["Staff number", "Course"], "Completed on", "no Completed on column"),
    (["Full name", "Course", "Completed on"], "Staff number", "finds the person"),
    (["Email", "E-mail address", "Course", "Completed on"], "E-mail address",
     "same fact"),
])
def test_headings_the_import_cannot_work_with(personas: Personas, tmp_path: Path,
                                              headings: list[str], column: str,
                                              says: str) -> None:
    result = run(personas, write(tmp_path, [headings, ["x"] * len(headings)]))
    assert any(p.row == 1 and p.column == column and says in p.message
               for p in result.problems), problems_of(result)
    assert not TrainingRecord.objects.exists()


def test_a_file_without_headings_is_refused(personas: Personas, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no headings"):
        run(personas, write(tmp_path, [["", ""]]))


def test_only_the_imported_records_are_confirmed(personas: Personas, tmp_path: Path,
                                                 staff: dict[str, Person]) -> None:
    """A member's own record awaiting confirmation stays so: the import confirms its own."""
    course = Course.objects.get(school=personas.school, catalogue_key="ncsc_cyber")
    own = TrainingRecord.objects.create(
        school=personas.school, person=staff["ben"], course=course,
        completed_on=date(2025, 9, 1), source=TrainingRecord.Source.SELF,
        recorded_by_label="Ben Okafor")
    result = run(personas, write(tmp_path, [HEADINGS,
                                            ["T001", "", "", "", CYBER, "03/09/2025", ""]]))
    assert result.added == 1
    own.refresh_from_db()
    assert own.confirmed_at is None
    imported = TrainingRecord.objects.get(source=TrainingRecord.Source.IMPORT)
    assert imported.confirmed_at == imported.created_at


def test_a_cell_too_long_to_read_is_a_problem_quoting_an_excerpt(
        personas: Personas, tmp_path: Path, staff: dict[str, Person]) -> None:
    rows = [HEADINGS, ["T001", "", "", "", "Ab cd " * 2_000, "03/09/2025", ""]]
    result = run(personas, write(tmp_path, rows))
    problem = result.problems[0]
    assert (problem.row, problem.column) == (2, "Course")
    assert "characters" in problem.message and len(problem.message) < 400
    assert not TrainingRecord.objects.exists()
