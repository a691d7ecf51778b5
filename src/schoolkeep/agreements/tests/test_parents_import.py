"""Importing parents: all or nothing, each problem naming its row and column; matching by
e-mail (else by name among parents without one); written in bulk and audited; the import
page with its preview, confirmation and jobs; the command with --dry-run; the templates."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import Parent
from schoolkeep.agreements.parents.imports import HEADINGS, parents_import, template_csv
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs.models import Job
from schoolkeep.lib.tabular import ImportFileError

Login = Callable[[User], Client]
UPLOAD = reverse("agreements:parent-import-upload")
GOOD = ("Name,Email,Year groups or classes\r\n"
        "Ann Smith,ann@example.com,Year 3\r\n"
        "Bob Jones,,5B\r\n"
        "Cara Lee,CARA@example.com,\r\n")


def write(tmp_path: Path, text: str, name: str = "parents.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(personas: Personas, path: Path, **kwargs: Any) -> Any:
    return parents_import(path, school=personas.school, actor=personas.siro, **kwargs)


def test_a_good_file_adds_everyone_in_bulk_and_audits(personas: Personas,
                                                      tmp_path: Path) -> None:
    result = run(personas, write(tmp_path, GOOD))
    assert result.ok and result.written
    assert (result.rows, result.added, result.updated, result.unchanged) == (3, 3, 0, 0)
    cara = Parent.objects.get(email="cara@example.com")
    assert cara.full_name == "Cara Lee" and cara.email_key == "cara@example.com"
    assert Parent.objects.get(full_name="Bob Jones").classes == "5B"
    assert AuditEvent.objects.filter(action="agreements.parent.created").count() == 3
    applied = AuditEvent.objects.get(action="agreements.parents_import.applied")
    assert applied.changes["added"] == {"before": None, "after": 3}
    # The same file again changes nothing.
    again = run(personas, write(tmp_path, GOOD))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert Parent.objects.count() == 3
    assert AuditEvent.objects.filter(action="agreements.parents_import.applied").count() == 1


def test_matching_by_email_then_by_name_without_email(personas: Personas,
                                                      tmp_path: Path) -> None:
    ann = parent_create(school=personas.school, actor=None, full_name="Ann Smyth",
                        email="ann@example.com", classes="Year 2")
    bob = parent_create(school=personas.school, actor=None, full_name="Bob Jones")
    same_name = parent_create(school=personas.school, actor=None, full_name="Cara Lee",
                              email="other.cara@example.com")
    result = run(personas, write(tmp_path, GOOD))
    assert (result.added, result.updated, result.unchanged) == (1, 2, 0)
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.full_name, ann.classes, ann.version) == ("Ann Smith", "Year 3", 2)
    assert bob.classes == "5B"
    # Cara has an e-mail in the file that nobody has: a new parent, not the other Cara.
    assert Parent.objects.filter(full_name="Cara Lee").count() == 2
    same_name.refresh_from_db()
    assert same_name.version == 1
    updates = AuditEvent.objects.filter(action="agreements.parent.updated")
    assert {e.target_id for e in updates} == {str(ann.public_id), str(bob.public_id)}


def test_blank_cells_leave_what_is_recorded(personas: Personas, tmp_path: Path) -> None:
    ann = parent_create(school=personas.school, actor=None, full_name="Ann Smith",
                        email="ann@example.com", classes="Year 3")
    result = run(personas, write(tmp_path, "Name,Email,Year groups or classes\n"
                                           "Ann Smith,ann@example.com,\n"))
    assert result.unchanged == 1
    ann.refresh_from_db()
    assert ann.classes == "Year 3"


def test_any_problem_writes_nothing_and_each_names_row_and_column(personas: Personas,
                                                                  tmp_path: Path) -> None:
    text = ("Name,Email,Year groups or classes,Pupil\r\n"
            ",nobody@example.com,Year 1,\r\n"
            "Dan,not-an-email,,\r\n"
            "Eve,eve@example.com,,\r\n"
            "Eve Again,EVE@example.com,,\r\n"
            "Fay,,,\r\n"
            "Fay,,,\r\n"
            f"Gus,,{'x' * 201},\r\n")
    result = run(personas, write(tmp_path, text))
    assert not result.ok and not result.written
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(1, "Pupil"), (2, "Name"), (3, "Email"), (5, "Email"), (7, "Name"),
                     (8, "Year groups or classes")}
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "also on row 4" in messages[(5, "Email")]
    assert "Row 6 has a parent of the same name" in messages[(7, "Name")]
    assert "not-an-email" in messages[(3, "Email")]
    assert not Parent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="agreements.parent").exists()


def test_missing_name_column_and_unheaded_cells(personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write(tmp_path, "Email,,Classes\nann@example.com,stray,Year 1\n"))
    found = {(p.row, p.column) for p in result.problems}
    assert (1, "Name") in found and (2, "column B") in found
    assert not Parent.objects.exists()


def test_two_recorded_parents_of_one_name_need_an_email(personas: Personas,
                                                        tmp_path: Path) -> None:
    for _ in range(2):
        parent_create(school=personas.school, actor=None, full_name="Hal Twin")
    result = run(personas, write(tmp_path, "Name\nHal Twin\n"))
    assert [(p.row, p.column) for p in result.problems] == [(2, "Email")]


def test_unreadable_files_are_refused(personas: Personas, tmp_path: Path) -> None:
    for content in (b"", b"\x00\x01\x02binary", b"PK\x03\x04not a zip"):
        path = tmp_path / "bad.csv"
        path.write_bytes(content)
        with pytest.raises(ImportFileError):
            run(personas, path)


def test_xlsx_is_read(personas: Personas, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["name", "E-mail", "Year groups"])
    sheet.append(["Ivy Green", "ivy@example.com", "Reception"])
    path = tmp_path / "parents.xlsx"
    workbook.save(path)
    result = run(personas, path)
    assert result.ok and result.added == 1
    assert Parent.objects.get().classes == "Reception"


def test_dry_run_writes_nothing(personas: Personas, tmp_path: Path) -> None:
    result = run(personas, write(tmp_path, GOOD), dry_run=True)
    assert result.added == 3 and not result.written
    assert "would be added" in result.summary()
    assert not Parent.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="agreements.parent").exists()


def test_templates_have_the_headings(personas: Personas, login: Login) -> None:
    assert template_csv().decode("utf-8-sig").strip() == ",".join(HEADINGS)
    client = login(personas.business_manager)
    response = client.get(reverse("agreements:parent-import-template", args=["xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="parents-import.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADINGS
    assert client.get(reverse("agreements:parent-import-template",
                              args=["doc"])).status_code == 404


# ---------------------------------------------------------------------------- the command


def test_command_imports_and_dry_runs(personas: Personas, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    out = io.StringIO()
    call_command("import_parents", str(path), "--school", "oakfield", "--dry-run", stdout=out)
    assert "Dry run, nothing written" in out.getvalue()
    assert "Row 2: Ann Smith: would add" in out.getvalue()
    assert not Parent.objects.exists()
    out = io.StringIO()
    call_command("import_parents", str(path), "--school", "oakfield", stdout=out)
    assert "3 parents added" in out.getvalue()
    assert Parent.objects.filter(school=personas.school).count() == 3
    event = AuditEvent.objects.filter(action="agreements.parent.created").first()
    assert event is not None and event.actor_label.startswith("cli:")


def test_command_reports_problems_with_status_2(personas: Personas, tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Colour\nAnn,red\n")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_parents", str(path), "--school", "oakfield", stderr=err)
    assert exit_.value.code == 2
    assert "Row 1, column “Colour”" in err.getvalue()
    assert "nothing was imported" in err.getvalue()
    assert not Parent.objects.exists()


# ---------------------------------------------------------------------------- the page


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run the jobs' tasks (enqueued on commit) as the request's transaction would commit."""
    def send(request: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return request()
    return send


def upload(client: Client, committed: Any, content: bytes, name: str = "parents.csv") -> Any:
    return committed(lambda: client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}))


def test_page_checks_previews_and_imports_on_confirm(personas: Personas, login: Login,
                                                     committed: Any) -> None:
    client = login(personas.business_manager)
    assert "Import parents" in client.get(UPLOAD).content.decode()
    response = upload(client, committed, GOOD.encode())
    assert response.status_code == 302
    check = Job.objects.get(kind="agreements.parents_import.check")
    preview = client.get(reverse("agreements:parent-import-preview", args=[check.public_id]))
    html = preview.content.decode()
    assert "Parents to add" in html and "Ann Smith" in html and "Confirm import" in html
    assert not Parent.objects.exists()
    response = committed(lambda: client.post(reverse("agreements:parent-import-confirm",
                                                     args=[check.public_id])))
    apply = Job.objects.get(kind="agreements.parents_import.apply")
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("jobs:job-detail", args=[apply.public_id]))
    apply.refresh_from_db()
    assert apply.status == Job.Status.DONE, apply.message
    assert Parent.objects.count() == 3
    # A second confirmation of the same check imports nothing more.
    committed(lambda: client.post(reverse("agreements:parent-import-confirm",
                                          args=[check.public_id])))
    assert Job.objects.filter(kind="agreements.parents_import.apply").count() == 1


def test_page_shows_problems_and_nothing_can_be_confirmed(personas: Personas, login: Login,
                                                          committed: Any) -> None:
    client = login(personas.siro)
    upload(client, committed, b"Name,Shoe size\nAnn,5\n")
    check = Job.objects.get(kind="agreements.parents_import.check")
    html = client.get(reverse("agreements:parent-import-preview",
                              args=[check.public_id])).content.decode()
    assert "There is a problem with the file" in html and "Shoe size" in html
    assert "Confirm import" not in html
    response = client.post(reverse("agreements:parent-import-confirm", args=[check.public_id]))
    assert response.status_code == 302 and not Parent.objects.exists()


def test_page_refuses_a_file_that_is_not_csv_or_xlsx(personas: Personas, login: Login,
                                                     committed: Any) -> None:
    client = login(personas.siro)
    html = upload(client, committed, b"%PDF-1.4", name="parents.pdf").content.decode()
    assert "Choose a CSV or XLSX file" in html
    html = upload(client, committed, b"PK\x03\x04xx", name="parents.csv").content.decode()
    assert "error-summary" in html
    assert not Job.objects.exists()


def test_someone_elses_check_is_not_found(personas: Personas, login: Login,
                                          committed: Any) -> None:
    upload(login(personas.siro), committed, GOOD.encode())
    check = Job.objects.get()
    other = login(personas.business_manager)
    assert other.get(reverse("agreements:parent-import-preview",
                             args=[check.public_id])).status_code == 404
    assert other.post(reverse("agreements:parent-import-confirm",
                              args=[check.public_id])).status_code == 404
    assert login(personas.auditor).get(UPLOAD).status_code == 403
