"""Hostile import files cost bounded memory, keep bounded problems, and stop at a deadline.

Each import runs in a process of its own whose address space is limited to 300 MB
(``RLIMIT_AS``), as the import task runs in the worker: a file that made the worker grow by
gigabytes makes this process fail. Python with Django, openpyxl and the imports loaded takes
about 115 MB of address space, so 300 MB leaves room for an honest import but not for one
copy of a 10-million-character string per cell. The caps are asserted directly (the
characters of a problem, the problems kept, the job's result, the deadline), never a time.

The database is a SQLite file in a data directory of the test's own, its tables made from the
models (no migrations: quicker, and nothing here needs the migrations' triggers)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from schoolkeep.assets.imports.reading import open_register
from schoolkeep.lib.import_bounds import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_LINE_CHARS,
    ImportFileError,
)
from schoolkeep.lib.tabular import column_letter, open_source
from tests.hostile_files import REPO, Repeat, environment, shared_xlsx, write_csv, write_xlsx

pytestmark = pytest.mark.own_databases  # see conftest.py
LIMIT_MB = 300
LONG = 10_000_000  # characters of the review's shared string
PEOPLE_COLUMNS = ["Full name", "Preferred name", "Date of birth", "Kind", "Job title",
                  "Email", "Staff number", "Sites", "DBS evidence"]

# One program for every step, run in a fresh process each time: ``setup`` (tables, a school
# and its site), then one import of a file, as the worker runs it, under the memory limit.
PROGRAM = r'''
import json, resource, secrets, shutil, sys
limit_mb, step, data = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if limit_mb:
    resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))
import django
django.setup()
from django.conf import settings
from django.apps import apps
from django.core.management import call_command
from schoolkeep.tenancy.models import School, Site

if step == "setup":
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    school = School.objects.create(name="Hostile Primary", slug="hostile")
    Site.objects.create(school=school, name="Main site")
    sys.exit(0)

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.lib.import_uploads import imports_dir
from schoolkeep.people.models import Person

TASKS = {
    "people": ("schoolkeep.people.imports.tasks", "people_import_check", "CHECK_KIND",
               "people.manage"),
    "people-apply": ("schoolkeep.people.imports.tasks", "people_import_apply", "APPLY_KIND",
                     "people.manage"),
    "parents": ("schoolkeep.agreements.parents.tasks", "parents_import_check",
                "CHECK_KIND", "aups.manage"),
    "assets": ("schoolkeep.assets.tasks_import", "assets_import_check", "CHECK_KIND",
               "assets.manage"),
}
module_name, task_name, kind_name, permission = TASKS[step]
module = __import__(module_name, fromlist=[task_name])
school = School.objects.get(slug="hostile")
if step == "people-apply":
    # The deadline passes once the import has started writing: the clock jumps as soon as
    # the transaction holds a person, so the import must stop and keep none.
    from schoolkeep.lib import import_bounds
    import_bounds.monotonic = lambda: (
        10 ** 6 if Person.objects.filter(school=school).exists() else 0.0)
kind = getattr(module, kind_name)
try:
    job = job_create(school=school, actor=None, kind=kind, title="hostile",
                     permission=permission)
except TypeError:  # job_create without permissions
    job = job_create(school=school, actor=None, kind=kind, title="hostile")
stored = secrets.token_hex(16)
shutil.copyfile(sys.argv[4], imports_dir() / stored)
getattr(module, task_name).call(str(job.public_id), stored, "hostile-file")
job = Job.objects.get(pk=job.pk)
result = job.result or {}
problems = result.get("problems", [])
status = open("/proc/self/status").read()
print(json.dumps({
    "status": job.status, "message": job.message, "result_bytes": len(json.dumps(result)),
    "problem_count": result.get("problem_count"), "problems": problems,
    "people": Person.objects.filter(school=school).count(),
    "vm_peak_kb": int(status.split("VmPeak:")[1].split()[0]),
}))
'''


def run(step: str, data: Path, *args: str, limit_mb: int = LIMIT_MB) -> dict:
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(limit_mb), step, str(data),
                           *args], cwd=REPO, env=environment(data), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1]) if done.stdout.strip() else {}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("hostile-template")
    run("setup", data, limit_mb=0)
    return data


@pytest.fixture
def data(prepared: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(prepared, copy)
    return copy


def import_file(step: str, data: Path, path: Path) -> dict:
    outcome = run(step, data, str(path))
    assert outcome["vm_peak_kb"] < LIMIT_MB * 1024
    return outcome


def assert_bounded(outcome: dict) -> None:
    """The job's result keeps at most 200 problems, each short, whatever the file."""
    assert len(outcome["problems"]) <= 200
    for problem in outcome["problems"]:
        assert len(problem["message"]) <= 400, problem["message"][:200]
        assert len(problem["column"]) <= 100
    assert outcome["result_bytes"] < 200_000


def test_a_shared_string_in_every_cell_is_read_once_and_reported_per_cell(
        data: Path, tmp_path: Path) -> None:
    path = shared_xlsx(tmp_path / "people.xlsx", PEOPLE_COLUMNS, 60,
                       long=Repeat("Ab cd", LONG // 5), columns=PEOPLE_COLUMNS)
    assert path.stat().st_size < 100_000

    outcome = import_file("people", data, path)

    assert outcome["status"] == "done"
    assert_bounded(outcome)
    assert len(outcome["problems"]) == 200
    assert outcome["problem_count"] >= 60 * len(PEOPLE_COLUMNS)
    first = outcome["problems"][0]
    assert (first["row"], first["column"]) == (2, "Full name")
    assert "10,000,000 characters" in first["message"]
    assert "Ab cd" * 17 not in first["message"]  # an excerpt only: at most 80 characters


@pytest.mark.parametrize("step, headings", [
    ("parents", ["Name", "Email", "Year groups or classes"]),
    ("assets", ["Group", "Asset", "Purpose", "Description", "Information Asset Owner"]),
])
def test_every_import_reads_a_shared_string_within_bounds(
        step: str, headings: list[str], data: Path, tmp_path: Path) -> None:
    path = shared_xlsx(tmp_path / f"{step}.xlsx", headings, 60, long=Repeat("x", LONG),
                       columns=headings)

    outcome = import_file(step, data, path)

    assert outcome["status"] == "done"
    assert_bounded(outcome)
    assert outcome["problem_count"] >= 60
    assert any("10,000,000 characters" in p["message"] and p["row"] == 2
               for p in outcome["problems"])


def test_a_workbook_whose_shared_strings_are_too_large_is_refused_before_reading(
        data: Path, tmp_path: Path) -> None:
    # The review's 303 KB file: one 150-million-character name in every row.
    path = shared_xlsx(tmp_path / "people.xlsx", ["Full name", "Kind"], 60,
                       long=Repeat("x", 150_000_000), columns=["Full name"])
    assert path.stat().st_size < 400_000

    outcome = import_file("people", data, path)

    assert outcome["status"] == "failed"
    assert "too large" in outcome["message"]
    assert len(outcome["message"]) < 400


def test_a_long_inline_string_is_refused_naming_its_cell(data: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "people.xlsx", [
        [("inline", "Full name"), ("inline", "Kind")],
        [("inline", "Ann Smith"), ("inline", "support")],
        [("inline", Repeat("y", LONG)), ("inline", "support")],
    ])

    outcome = import_file("people", data, path)

    assert outcome["status"] == "failed"
    assert "Row 3, column A" in outcome["message"]
    assert len(outcome["message"]) < 400


def test_long_cells_of_a_csv_file_are_problems_with_an_excerpt(
        data: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "Full name,Kind,Job title",
                     (f"Person {n},{'z' * 100_000},{'z' * 100_000}" for n in range(20)))

    outcome = import_file("people", data, path)

    assert outcome["status"] == "done"
    assert_bounded(outcome)
    assert outcome["problem_count"] == 40
    assert {(p["row"], p["column"]) for p in outcome["problems"]} == {
        (row, column) for row in range(2, 22) for column in ("Kind", "Job title")}
    assert all("100,000 characters" in p["message"] for p in outcome["problems"])


def test_many_problems_keep_the_first_200_and_count_the_rest(
        data: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "Full name,Kind,Date of birth",
                     (f"Person {n},support,not a date {n}" for n in range(20_000)))

    outcome = import_file("people", data, path)

    assert outcome["status"] == "done"
    assert_bounded(outcome)
    assert outcome["problem_count"] == 20_000
    assert [p["row"] for p in outcome["problems"]] == list(range(2, 202))


def test_an_import_past_its_deadline_stops_and_saves_nothing(
        data: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "Full name,Kind,Staff number",
                     (f"Person {n},support,S{n:05d}" for n in range(1_500)))

    outcome = import_file("people-apply", data, path)

    assert outcome["status"] == "failed"
    assert "took longer than" in outcome["message"]
    assert "nothing was saved" in outcome["message"]
    assert outcome["people"] == 0


# --- The width of a row (the review's second look: a 9 MB line of 9 million empty cells
# took the asset import to about 1 GB and people and parents to about 275 MB) -------------

WIDE = 9_000_000  # empty cells on one line: a 9 MB file, under the 10 MB upload limit
HEADINGS = {
    "people": ["Full name", "Kind"],
    "parents": ["Name", "Email", "Year groups or classes"],
    "assets": ["Group", "Asset", "Purpose", "Description", "Information Asset Owner"],
}


@pytest.mark.parametrize(("step", "separator"), [
    ("people", ","), ("parents", ","), ("assets", ","), ("assets", "\t")])
def test_a_row_of_millions_of_empty_cells_is_refused_naming_its_line(
        step: str, separator: str, data: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / f"{step}.csv", separator.join(HEADINGS[step]),
                     [separator * WIDE, separator.join(["Ann Smith"] * len(HEADINGS[step]))])
    assert path.stat().st_size < 10_000_000

    outcome = import_file(step, data, path)  # within the 300 MB limit

    assert outcome["status"] == "failed"
    assert "Line 2 of the file is too long to import" in outcome["message"]
    assert f"{MAX_COLUMNS} columns" in outcome["message"]
    assert len(outcome["message"]) < 400


def test_empty_cells_beyond_the_columns_read_are_dropped(data: Path, tmp_path: Path) -> None:
    # Half a million trailing separators: within the line's bound, so read, and cut to the
    # columns an import reads before any import sees them.
    path = write_csv(tmp_path / "people.csv", "Full name,Kind,Staff number",
                     ["Ann Smith,support,S1" + "," * 500_000, "Bob Jones,support,S2"])

    outcome = import_file("people", data, path)

    assert outcome["status"] == "done"
    assert outcome["problem_count"] == 0, outcome["problems"][:3]


def _rows_of(path: Path) -> list[list[object]]:
    source = open_source(path, [])
    return list(source.rows())


def test_a_csv_row_is_cut_to_the_columns_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", "Full name,Kind",
                     ["Ann Smith,support" + ", " * (3 * MAX_COLUMNS)])
    heading, row = _rows_of(path)
    assert heading == ["Full name", "Kind"]
    assert len(row) == MAX_COLUMNS and row[:2] == ["Ann Smith", "support"]


def test_a_filled_cell_beyond_the_columns_read_is_refused_naming_it(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", "Full name,Kind",
                     ["Ann Smith,support", "Bob Jones" + "," * MAX_COLUMNS + "surprise"])
    with pytest.raises(ImportFileError) as refused:
        _rows_of(path)
    assert str(refused.value).startswith(
        f"Row 3 has something in column {column_letter(MAX_COLUMNS + 1)}, beyond the "
        f"{MAX_COLUMNS} columns an import reads")


def test_a_line_is_read_up_to_its_bound_and_no_further(tmp_path: Path) -> None:
    # Exactly the bound: 200 cells of 4,999 characters, each followed by a comma (so a 201st,
    # empty cell, which is dropped).
    cell = "x" * (MAX_CELL_CHARS - 1)
    exact = write_csv(tmp_path / "exact.csv", "Full name", [(cell + ",") * MAX_COLUMNS])
    assert len((cell + ",") * MAX_COLUMNS) == MAX_LINE_CHARS
    (_, row) = _rows_of(exact)
    assert row == [cell] * MAX_COLUMNS

    over = tmp_path / "over.csv"
    over.write_bytes(b"Full name\r\n" + b"x" * (MAX_LINE_CHARS + 1))  # no line ending
    with pytest.raises(ImportFileError, match=r"^Line 2 of the file is too long"):
        _rows_of(over)


def test_a_register_document_s_long_line_is_refused_before_it_is_split(
        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "policy.txt", "Our policy",
                     ["Appendix 1", "Group\tAsset", "\t" * WIDE])
    register = open_register(path, [])
    with pytest.raises(ImportFileError, match=r"^Line 4 of the file is too long"):
        list(register.lines())
