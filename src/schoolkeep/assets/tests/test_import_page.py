"""The register's import page: upload (checked by content), a check job with real progress, a
preview per group with the warnings (or the problems, with nothing to confirm), confirm, the
import job, and what was imported."""

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
from openpyxl import Workbook
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.assets.imports import tasks as tasks_import
from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.people import services as people_services

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("assets:import-upload")
Login = Callable[[User], Client]
_capture: Any = None


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks: Any) -> None:
    """Run the jobs' tasks (enqueued on commit) when a request's transaction would commit."""
    global _capture
    _capture = django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def people(personas: Personas) -> None:
    for name in ("Amelia Hart", "Ben Okafor"):
        people_services.person_create(school=personas.school, actor=personas.siro,
                                      full_name=name, kind="support")


def committed(send: Callable[[], Any]) -> Any:
    with _capture(execute=True):
        return send()


def upload(client: Client, name: str, content: bytes) -> Any:
    return committed(lambda: client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}))


def confirm(client: Client, job: Job) -> Any:
    return committed(lambda: client.post(reverse("assets:import-confirm",
                                                 args=[job.public_id])))


def stored_uploads(data_dir: Path) -> list[Path]:
    folder = data_dir / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_only_those_who_manage_the_register_may_import(personas: Personas,
                                                       login: Login) -> None:
    for persona in ("siro", "dpo", "data_admin"):
        assert login(personas.users[persona]).get(UPLOAD).status_code == 200
    content = (FILES / "policy.txt").read_bytes()
    for persona in ("staff", "iao", "it_lead", "business_manager", "auditor", "governor"):
        client = login(personas.users[persona])
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, "policy.txt", content).status_code == 403
    assert not Job.objects.exists() and not Asset.objects.exists()


def test_upload_check_preview_confirm_then_the_import_and_its_result(
        personas: Personas, login: Login, data_dir: Path) -> None:
    client = login(personas.data_admin)

    response = upload(client, "policy.txt", (FILES / "policy.txt").read_bytes())

    check_job = Job.objects.get(kind="assets.import.check")
    preview_url = reverse("assets:import-preview", args=[check_job.public_id])
    assert response.status_code == 302 and response["Location"] == preview_url
    assert check_job.status == "done" and check_job.created_by == personas.data_admin
    assert check_job.result["next_url"] == preview_url  # the job's page links here
    stored = stored_uploads(data_dir)
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0
    assert not Asset.objects.exists() and not AssetGroup.objects.exists()  # nothing written

    preview = client.get(preview_url)
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirm import" in text
    assert "9 assets in 4 groups: 9 would be added" in text
    assert "<dt>Assets to add</dt><dd>9</dd>" in text
    assert 'Pupil data (MIS) <span class="tag tag-info">New group</span>' in text
    assert "<th scope=\"row\">Core pupil data</th>" in text
    assert "“Joskoss Technician” (row 22) and “Joskos Technician” (row 23) look alike" in text
    assert "<dd>RedStor, CCTV support company</dd>" in text
    assert "<li>Information Asset Owner: Carys Evans (not yet matched)</li>" in text
    assert "<li>Who has access to enter information: Head / Deputy / Class Teachers</li>" \
        in text

    confirmed = confirm(client, check_job)

    apply_job = Job.objects.get(kind="assets.import.apply")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("jobs:job-detail", args=[apply_job.public_id])
    assert apply_job.status == "done", apply_job.message
    assert apply_job.message.startswith("9 assets in 4 groups: 9 added")
    assert Asset.objects.filter(school=personas.school).count() == 9
    assert stored_uploads(data_dir) == []  # the upload is gone once imported
    created = AuditEvent.objects.filter(action="assets.asset.created")
    assert {event.actor_id for event in created} == {personas.data_admin.pk}
    job_page = client.get(confirmed["Location"]).content.decode()
    result_url = reverse("assets:import-result", args=[apply_job.public_id])
    assert result_url in job_page and "See what was imported" in job_page
    result = client.get(result_url).content.decode()
    assert "What was imported" in result and "<dt>Assets added</dt><dd>9</dd>" in result
    assert "<th scope=\"row\">CCTV saved footage</th>" in result

    again = confirm(client, check_job)
    assert again.status_code == 302 and again["Location"] == UPLOAD
    assert Job.objects.filter(kind="assets.import.apply").count() == 1
    assert "already been imported" in client.get(UPLOAD).content.decode()


def test_the_same_file_again_has_nothing_to_import(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    first = upload(client, "policy.txt", (FILES / "policy.txt").read_bytes())
    confirm(client, Job.objects.get(kind="assets.import.check"))
    events = AuditEvent.objects.count()
    assert first.status_code == 302

    second = upload(client, "register.csv", (FILES / "register_bom_crlf.csv").read_bytes())

    text = client.get(second["Location"]).content.decode()
    assert "already in the register: there is nothing to import" in text
    assert "Confirm import" not in text
    assert AuditEvent.objects.count() == events


def test_the_preview_shows_each_change_with_the_recorded_and_the_new_value(
        personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    upload(client, "policy.txt", (FILES / "policy.txt").read_bytes())
    confirm(client, Job.objects.get(kind="assets.import.check"))
    changed = (FILES / "policy.txt").read_text().replace(
        "Core pupil data\tAmelia Hart", "Core pupil data\tRedStor")

    response = upload(client, "changed.txt", changed.encode())

    text = client.get(response["Location"]).content.decode()
    assert "0 would be added, 1 would be changed, 8 unchanged" in text
    assert "<li>Information Asset Owner: Amelia Hart → RedStor</li>" in text
    assert "Confirm import" in text


def test_a_workbook_and_a_tsv_upload_are_previewed(personas: Personas, login: Login) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Asset", "Owner", "Classification"])
    sheet.append(["Finance"])
    sheet.append(["Invoices", "RedStor", "Restricted"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(personas.dpo)

    response = upload(client, "register.XLSX", buffer.getvalue())

    assert "<dd>Excel workbook (XLSX)</dd>" in client.get(response["Location"]).content.decode()
    confirm(client, Job.objects.get(kind="assets.import.check"))
    invoices = Asset.objects.get()
    assert invoices.classification == "official_sensitive"
    assert "Restricted" in invoices.classification_note

    tsv = upload(client, "classified.tsv", (FILES / "classified.tsv").read_bytes())
    assert "<dd>TSV (tab-separated)</dd>" in client.get(tsv["Location"]).content.decode()


def test_a_file_with_problems_lists_them_and_nothing_can_be_confirmed(
        personas: Personas, login: Login, data_dir: Path) -> None:
    client = login(personas.data_admin)

    response = upload(client, "errors.csv", (FILES / "errors.csv").read_bytes())

    text = client.get(response["Location"]).content.decode()
    assert "There are 5 problems with the file" in text
    assert "<td>3</td><td>Asset</td><td>Every asset needs a name.</td>" in text
    assert "<td>4</td><td>Classification</td><td>“SECRET” is not a classification." in text
    assert "Confirm import" not in text
    assert stored_uploads(data_dir) == []  # nothing to confirm: nothing kept
    refused = confirm(client, Job.objects.get(kind="assets.import.check"))
    assert refused.status_code == 302 and refused["Location"] == UPLOAD
    assert not Asset.objects.exists()
    assert not Job.objects.filter(kind="assets.import.apply").exists()


@pytest.mark.parametrize(("name", "content", "words"), [
    ("register.pdf", b"%PDF-1.7\n", "Choose a policy document saved as plain text"),
    ("register.xlsx", b"Asset,Owner\nFinance\n", "named .xlsx but is not an Excel workbook"),
    ("register.txt", b"PK\x03\x04" + b"\x00" * 30, "damaged zip file"),
    ("register.csv", b"\x00\x01\x02binary", "neither text (CSV, TSV or a policy document)"),
    ("register.tsv", b"", "empty"),
])
def test_other_files_are_refused_by_their_content(personas: Personas, login: Login,
                                                 data_dir: Path, name: str, content: bytes,
                                                 words: str) -> None:
    response = upload(login(personas.data_admin), name, content)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert stored_uploads(data_dir) == [] and not Job.objects.exists()


def test_a_file_that_cannot_be_read_fails_its_check_job(personas: Personas,
                                                        login: Login) -> None:
    client = login(personas.data_admin)

    response = upload(client, "letter.txt", b"Dear parents,\nThe fair is on Friday.\n")

    job = Job.objects.get(kind="assets.import.check")
    assert job.status == "failed" and "none of the register's headings" in job.message
    text = client.get(response["Location"]).content.decode()
    assert "This file cannot be read" in text and "Confirm import" not in text


def test_the_check_job_reports_real_progress(personas: Personas, login: Login,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[tuple[int, int | None, str]] = []
    real = tasks_import.job_progress

    def spy(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
        reported.append((done, total, message))
        real(job, done=done, total=total, message=message)

    monkeypatch.setattr(tasks_import, "job_progress", spy)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([["Asset", "Owner", "Access"], ["Everything"]])
    writer.writerows([f"Asset {n}", "RedStor", "Head"] for n in range(450))

    upload(login(personas.siro), "many.csv", buffer.getvalue().encode())

    # One pass over the file, compared with the register as it is read: rows so far, no total.
    assert [item for item in reported if item[2] == "Reading the file"] == [
        (200, None, "Reading the file"), (400, None, "Reading the file")]
    job = Job.objects.get(kind="assets.import.check")
    assert job.status == "done" and job.percent == 100


def test_an_unfinished_job_sends_you_to_its_progress_page(personas: Personas,
                                                         login: Login) -> None:
    client = login(personas.siro)
    check = job_create(school=personas.school, actor=personas.siro,
                       kind=tasks_import.CHECK_KIND, title="Checking policy.txt",
                       permission="assets.manage")
    apply = job_create(school=personas.school, actor=personas.siro,
                       kind=tasks_import.APPLY_KIND, title="Importing policy.txt",
                       permission="assets.manage")

    preview = client.get(reverse("assets:import-preview", args=[check.public_id]))
    result = client.get(reverse("assets:import-result", args=[apply.public_id]))

    assert preview["Location"] == reverse("jobs:job-detail", args=[check.public_id])
    assert result["Location"] == reverse("jobs:job-detail", args=[apply.public_id])
    progress = client.get(preview["Location"]).content.decode()
    assert 'http-equiv="refresh"' in progress and "<progress" in progress
    # A check job is not a result page, nor the other way round.
    assert client.get(reverse("assets:import-result", args=[check.public_id])).status_code \
        == 404


def test_someone_elses_check_is_not_found(personas: Personas, login: Login) -> None:
    upload(login(personas.data_admin), "policy.txt", (FILES / "policy.txt").read_bytes())
    job = Job.objects.get(kind="assets.import.check")

    client = login(personas.siro)
    assert client.get(reverse("assets:import-preview", args=[job.public_id])).status_code \
        == 404
    assert confirm(client, job).status_code == 404
    assert not Asset.objects.exists()


def test_confirm_is_post_only(personas: Personas, login: Login) -> None:
    client = login(personas.data_admin)
    upload(client, "policy.txt", (FILES / "policy.txt").read_bytes())
    job = Job.objects.get(kind="assets.import.check")

    assert client.get(reverse("assets:import-confirm", args=[job.public_id])).status_code \
        == 405
    assert not Asset.objects.exists()


def test_the_pages_keep_the_layout_and_a_strict_csp(personas: Personas, login: Login) -> None:
    client = login(personas.data_admin)
    pages = [client.get(UPLOAD), upload(client, "register.pdf", b"%PDF-1.7\n")]
    for name in ("policy.txt", "errors.csv"):
        pages.append(client.get(upload(client, name, (FILES / name).read_bytes())["Location"]))
    confirm(client, Job.objects.get(kind="assets.import.check", title="Checking policy.txt"))
    apply_job = Job.objects.get(kind="assets.import.apply")
    pages.append(client.get(reverse("assets:import-result", args=[apply_job.public_id])))
    assert "error-summary" in pages[1].content.decode()  # the refused upload
    assert "Confirm import" in pages[2].content.decode()
    assert "problems with the file" in pages[3].content.decode()
    assert "What was imported" in pages[4].content.decode()
    for page in pages:
        assert page.status_code == 200
        assert_csp_clean(page)
        assert_our_layout(page)
