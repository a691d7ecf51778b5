"""The import page: upload (checked by content), a preview of the changes or of the problems
with nothing written, confirm, the import as a job; the template files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from tests.assertions import assert_not_shown
from tests.factories import SiteFactory
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs.models import Job
from schoolkeep.people.imports import HEADINGS
from schoolkeep.people.models import Check, Person

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("people:import-upload")
Login = Callable[[User], Client]


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks: Any) -> None:
    """Run the jobs' tasks (enqueued on commit) when a request's transaction would commit."""
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture: Any = None


def committed(send: Callable[[], Any]) -> Any:
    with _capture(execute=True):
        return send()


@pytest.fixture
def sites(personas: Personas) -> None:
    SiteFactory(school=personas.school, name="Main site")
    SiteFactory(school=personas.school, name="Annexe")


def upload(client: Client, name: str, content: bytes) -> Any:
    return committed(lambda: client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}))


def confirm(client: Client, job: Job) -> Any:
    return committed(lambda: client.post(reverse("people:import-confirm", args=[job.public_id])))


def stored_uploads(data_dir: Path) -> list[Path]:
    folder = data_dir / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_only_those_who_manage_people_may_import(personas: Personas, login: Login) -> None:
    assert login(personas.hr_admin).get(UPLOAD).status_code == 200
    assert login(personas.siro).get(UPLOAD).status_code == 200
    for persona in ("staff", "dsl", "business_manager", "auditor"):
        client = login(personas.users[persona])
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, "staff.csv", (FILES / "staff.csv").read_bytes()).status_code == 403
    assert not Person.objects.exists()


@pytest.mark.usefixtures("sites")
def test_upload_preview_confirm_then_the_import_job(personas: Personas, login: Login,
                                                    data_dir: Path) -> None:
    client = login(personas.hr_admin)
    page = client.get(UPLOAD)
    assert reverse("people:import-template", args=["xlsx"]) in page.content.decode()

    response = upload(client, "staff.csv", (FILES / "staff.csv").read_bytes())

    check_job = Job.objects.get(kind="people.import.check")
    preview_url = reverse("people:import-preview", args=[check_job.public_id])
    assert response.status_code == 302 and response["Location"] == preview_url
    assert check_job.status == "done" and check_job.created_by == personas.hr_admin
    assert check_job.result["next_url"] == preview_url  # the job's page links here
    stored = stored_uploads(data_dir)
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0
    assert not Person.objects.exists()  # checking writes nothing

    preview = client.get(preview_url)
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirm import" in text
    assert "<dt>People to add</dt><dd>3</dd>" in text
    assert "Amelia Hart" in text
    assert_not_shown(text, "1985", "0012")

    confirmed = confirm(client, check_job)

    apply_job = Job.objects.get(kind="people.import.apply")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("jobs:job-detail", args=[apply_job.public_id])
    assert apply_job.status == "done", apply_job.message
    assert apply_job.message.startswith("3 rows: 3 people added")
    assert Person.objects.filter(school=personas.school).count() == 3
    assert Check.objects.count() == 10
    assert stored_uploads(data_dir) == []  # the upload is gone once imported
    created = AuditEvent.objects.filter(action="people.person.created")
    assert {event.actor_id for event in created} == {personas.hr_admin.pk}
    job_page = client.get(confirmed["Location"])
    assert "See the people" in job_page.content.decode()

    again = confirm(client, check_job)
    assert again.status_code == 302 and again["Location"] == UPLOAD
    assert Job.objects.filter(kind="people.import.apply").count() == 1
    assert "already been imported" in client.get(UPLOAD).content.decode()


def test_a_workbook_upload_is_previewed_too(personas: Personas, login: Login) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Full name", "Kind", "Staff number"])
    sheet.append(["Ivy Chen", "Governor", 1207])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(personas.siro)

    response = upload(client, "governors.XLSX", buffer.getvalue())

    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "<dt>People to add</dt><dd>1</dd>" in preview.content.decode()
    job = Job.objects.get(kind="people.import.check")
    confirm(client, job)
    assert Person.objects.get().staff_number == "1207"


def test_a_file_with_problems_lists_them_and_nothing_can_be_confirmed(
        personas: Personas, login: Login, data_dir: Path) -> None:
    SiteFactory(school=personas.school, name="Main site")
    client = login(personas.hr_admin)

    response = upload(client, "errors.csv", (FILES / "errors.csv").read_bytes())

    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "There are 11 problems with the file" in text
    assert "<td>3</td><td>Date of birth</td><td>“31/02/1980” is not a possible date" in text
    assert "Confirm import" not in text
    assert stored_uploads(data_dir) == []  # nothing to confirm: nothing kept
    job = Job.objects.get(kind="people.import.check")
    refused = confirm(client, job)
    assert refused.status_code == 302 and refused["Location"] == UPLOAD
    assert not Person.objects.exists()
    assert not Job.objects.filter(kind="people.import.apply").exists()


def test_a_text_file_named_xlsx_is_refused(personas: Personas, login: Login,
                                          data_dir: Path) -> None:
    client = login(personas.hr_admin)

    response = upload(client, "text_named.xlsx", (FILES / "text_named.xlsx").read_bytes())

    assert response.status_code == 200
    assert "named .xlsx but is not an Excel workbook" in response.content.decode()
    assert not Job.objects.exists()
    assert stored_uploads(data_dir) == []


@pytest.mark.parametrize(("name", "content", "words"), [
    ("people.pdf", b"%PDF-1.7\n", "Choose a CSV or XLSX file"),
    ("people.csv", b"PK\x03\x04" + b"\x00" * 30, "damaged zip file"),
    ("people.csv", b"\x00\x01\x02binary", "neither CSV text nor an Excel workbook"),
    ("people.csv", b"", "empty"),
])
def test_other_files_are_refused_by_their_content(personas: Personas, login: Login,
                                                 data_dir: Path, name: str, content: bytes,
                                                 words: str) -> None:
    response = upload(login(personas.hr_admin), name, content)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert stored_uploads(data_dir) == []


def test_someone_elses_check_is_not_found(personas: Personas, login: Login) -> None:
    upload(login(personas.hr_admin), "staff_bom.csv", (FILES / "staff_bom.csv").read_bytes())
    job = Job.objects.get(kind="people.import.check")

    client = login(personas.siro)
    assert client.get(reverse("people:import-preview", args=[job.public_id])).status_code == 404
    assert confirm(client, job).status_code == 404
    assert not Person.objects.exists()


def test_confirm_is_post_only(personas: Personas, login: Login) -> None:
    upload(login(personas.hr_admin), "staff_bom.csv", (FILES / "staff_bom.csv").read_bytes())
    job = Job.objects.get(kind="people.import.check")
    url = reverse("people:import-confirm", args=[job.public_id])
    assert login(personas.hr_admin).get(url).status_code == 405
    assert not Person.objects.exists()


def test_the_templates_have_the_exact_headings(personas: Personas, login: Login) -> None:
    client = login(personas.hr_admin)

    as_csv = client.get(reverse("people:import-template", args=["csv"]))
    as_xlsx = client.get(reverse("people:import-template", args=["xlsx"]))

    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert 'filename="people-import.csv"' in as_csv["Content-Disposition"]
    content = as_csv.content
    assert content.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == HEADINGS
    assert as_xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)
    first = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(first) == HEADINGS
    assert workbook.sheetnames == ["People", "How to fill in"]
    assert client.get(reverse("people:import-template", args=["pdf"])).status_code == 404
    assert login(personas.staff).get(
        reverse("people:import-template", args=["csv"])).status_code == 403


@pytest.mark.usefixtures("sites")
def test_the_pages_keep_the_layout_and_a_strict_csp(personas: Personas, login: Login) -> None:
    client = login(personas.hr_admin)
    pages = [client.get(UPLOAD),
             upload(client, "text_named.xlsx", (FILES / "text_named.xlsx").read_bytes())]
    for name in ("staff.csv", "errors.csv"):
        pages.append(client.get(upload(client, name, (FILES / name).read_bytes())["Location"]))
    assert "error-summary" in pages[1].content.decode()  # the refused upload
    assert "Confirm import" in pages[2].content.decode()
    assert "problems with the file" in pages[3].content.decode()
    for page in pages:
        assert page.status_code == 200
        assert_csp_clean(page)
        assert_our_layout(page)
