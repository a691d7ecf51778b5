"""The bounds of ``lib.import_bounds`` where every reader applies them, in this process (the
memory-limited runs of hostile files are in test_hostile_files.py): the command line lists the
first problems and counts the rest, a policy document's header reports are bounded, a register
document's long cell is a problem of its row, workbooks with a document type are refused, and
an over-long CSV field is named by its line."""

from __future__ import annotations

import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from schoolkeep.agreements.policies.imports import policy_import
from schoolkeep.assets.imports import assets_import
from schoolkeep.lib import import_bounds
from schoolkeep.lib.import_bounds import (
    PROBLEMS_KEPT,
    Deadline,
    ImportFileError,
    ImportTookTooLong,
    Problem,
    ProblemList,
)
from schoolkeep.lib.tabular import open_source
from schoolkeep.people.imports import people_import
from tests.factories import SchoolFactory
from tests.hostile_files import write_xlsx

pytestmark = pytest.mark.django_db


def test_a_problem_list_keeps_the_first_and_counts_every_one() -> None:
    problems = ProblemList(Problem(row, "Kind", "wrong") for row in range(1, 1001))

    assert len(problems) == PROBLEMS_KEPT
    assert problems.total == 1000 and problems.more == 1000 - PROBLEMS_KEPT
    assert [p.row for p in problems] == list(range(1, PROBLEMS_KEPT + 1))


def test_a_problem_is_bounded_whatever_it_is_given() -> None:
    problem = Problem(2, "x" * 10_000, "y" * 100_000)

    assert len(problem.column) <= import_bounds.EXCERPT_CHARS + 1
    assert len(problem.message) <= import_bounds.MAX_MESSAGE_CHARS


def test_a_deadline_stops_an_import_once_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(import_bounds, "monotonic", lambda: now[0])
    deadline = Deadline(60)
    deadline.tick(import_bounds.CHECK_EVERY)
    now[0] = 61.0
    deadline.tick(import_bounds.CHECK_EVERY - 1)  # not yet looked at the clock again

    with pytest.raises(ImportTookTooLong, match="longer than 1 minute and was stopped; "
                                                "nothing was saved"):
        deadline.tick()


def test_the_command_lists_the_first_problems_and_counts_the_others(tmp_path: Path) -> None:
    SchoolFactory(slug="bounded")
    path = tmp_path / "people.csv"
    path.write_text("Full name,Kind\n" + "".join(f"P {n},nobody\n" for n in range(500)))
    err = StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("import_people", str(path), "--school", "bounded", stderr=err,
                     stdout=StringIO())

    lines = err.getvalue().splitlines()
    assert exit_.value.code == 2
    assert len([line for line in lines if line.startswith("Row ")]) == PROBLEMS_KEPT
    assert "And 300 more problems not listed" in err.getvalue()
    assert lines[-1] == "500 problems in people.csv: nothing was imported."


def test_a_policy_header_reports_at_most_the_first_notes_with_short_messages() -> None:
    school = SchoolFactory()
    ignored = "".join(f"Note {n}\t{'v' * 2_000}\n" for n in range(300))
    text = f"Name of School\t{'S' * 50_000}\n{ignored}Online Safety Policy\nText.\n"

    result = policy_import(school=school, actor=None, text=text, dry_run=True)

    assert len(result.notes) == PROBLEMS_KEPT + 1
    assert result.notes[-1] == "And 100 more lines left out, not listed."
    assert all(len(note) < 500 for note in result.notes)
    assert all(len(warning) < 500 for warning in result.warnings)


def test_a_long_cell_of_a_register_document_is_a_problem_of_its_row(tmp_path: Path) -> None:
    school = SchoolFactory()
    path = tmp_path / "policy.txt"
    path.write_text("Online Security Policy\nAppendix 1\n\tInformation Asset Owner\tPurpose\n"
                    "Pupil data\n" + f"Admissions\tHead\t{'p' * 60_000}\n")

    result = assets_import(path, school=school, actor=None, dry_run=True)

    assert [(p.row, p.column) for p in result.problems] == [(5, "Purpose")]
    assert "60,000 characters" in result.problems[0].message


def test_a_workbook_with_a_document_type_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "people.xlsx", [[("s", 0)]], ["Full name"])
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(evil, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"<sst", b'<!DOCTYPE sst [<!ENTITY a "aaaa">]><sst', 1)
            target.writestr(info, data)
    source_file = open_source(evil, [])

    with pytest.raises(ImportFileError, match="cannot be read"):
        list(source_file.rows())


def test_a_workbook_of_thousands_of_parts_is_refused_before_reading(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "people.xlsx", [[("s", 0)]], ["Full name"])
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(5_001):
            archive.writestr(f"xl/media/empty{number}.bin", b"")

    with pytest.raises(ImportFileError, match="parts, more than"):
        list(open_source(path, []).rows())


def test_an_unclosed_quote_in_a_csv_file_is_named_by_its_line(tmp_path: Path) -> None:
    school = SchoolFactory()
    path = tmp_path / "people.csv"
    path.write_text('Full name,Kind\nAnn,support\n"Bob,support\n' + "x" * 200_000 + "\n")

    with pytest.raises(ImportFileError, match=r"Line \d+ .* more than 5,000 characters"):
        people_import(path, school=school, actor=None, dry_run=True)


def test_a_file_with_more_text_than_an_import_reads_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_bounds, "MAX_FILE_CHARS", 10_000)
    school = SchoolFactory()
    path = tmp_path / "people.csv"
    path.write_text("Full name,Kind,Job title\n"
                    + "".join(f"P {n},support,{'t' * 150}\n" for n in range(100)))

    with pytest.raises(ImportFileError, match="more than 10,000 characters of text"):
        people_import(path, school=school, actor=None, dry_run=True)
