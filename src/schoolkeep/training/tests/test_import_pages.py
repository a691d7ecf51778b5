"""The training import pages: upload (training.manage only), the preview with nothing
written, a bad row named, confirm, the job importing the records as the user who confirmed;
the template files; the preview's queries the same at 3 and at 40 rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs.models import Job
from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.models import TrainingRecord
from schoolkeep.training.tests.test_import_training import (
    CYBER,
    HEADINGS,
    csv_bytes,
    person,
    xlsx_bytes,
)

UPLOAD = reverse("training:import-upload")
Login = Callable[[User], Client]
ROWS = [HEADINGS, ["T001", "", "", "", CYBER, "03/09/2025", ""],
        ["", "ben@oakfield.example", "", "", "safeguarding", "04/09/2025", "Refresher"]]
_capture: Any = None


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks: Any) -> None:
    global _capture
    _capture = django_capture_on_commit_callbacks


@pytest.fixture
def staff(personas: Personas) -> None:
    ensure_default_courses(personas.school)
    person(personas.school, "Ada Byron", staff="T001")
    person(personas.school, "Ben Okafor", email="ben@oakfield.example")


def committed(send: Callable[[], Any]) -> Any:
    with _capture(execute=True):
        return send()


def upload(client: Client, content: bytes, name: str = "training.csv") -> Any:
    return committed(lambda: client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}))


def latest_check() -> Job:
    return Job.objects.filter(kind="training.import.check").latest("created_at")


@pytest.mark.django_db
def test_only_those_who_manage_training_may_upload(personas: Personas, login: Login) -> None:
    for persona in ("siro", "business_manager", "hr_admin"):
        assert login(personas.users[persona]).get(UPLOAD).status_code == 200
    for persona in ("dpo", "it_lead", "staff", "auditor"):
        client = login(personas.users[persona])
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, csv_bytes(ROWS)).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
@pytest.mark.parametrize("name", ["training.csv", "training.xlsx"])
def test_upload_preview_confirm_imports_the_records(personas: Personas, login: Login,
                                                    name: str) -> None:
    client = login(personas.business_manager)
    content = xlsx_bytes(ROWS) if name.endswith(".xlsx") else csv_bytes(ROWS)
    response = upload(client, content, name)
    check = latest_check()
    preview_url = reverse("training:import-preview", args=[check.public_id])
    assert response.status_code == 302 and response["Location"] == preview_url
    assert check.status == "done", check.message
    assert not TrainingRecord.objects.exists()  # checking writes nothing
    text = client.get(preview_url).content.decode()
    assert "Training records to add</dt><dd>2" in text and "Ben Okafor" in text
    assert "Confirm import" in text
    # Dates read as on every other page, not as ISO text.
    assert "<td>3 September 2025</td>" in text and "2025-09-03" not in text

    confirmed = committed(lambda: client.post(
        reverse("training:import-confirm", args=[check.public_id])))
    applied = Job.objects.get(kind="training.import.apply")
    assert confirmed["Location"] == reverse("jobs:job-detail", args=[applied.public_id])
    assert applied.status == "done", applied.message
    assert TrainingRecord.objects.filter(school=personas.school, source="import").count() == 2
    event = AuditEvent.objects.get(action="training.import.applied")
    assert event.actor_id == personas.business_manager.pk

    upload(client, content, name)  # the same file again: skipped, nothing to import
    text = client.get(reverse("training:import-preview",
                              args=[latest_check().public_id])).content.decode()
    assert "Rows skipped: already recorded</dt><dd>2" in text
    assert "there is nothing to import" in text and "Confirm import" not in text


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_a_bad_row_is_named_in_the_preview(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    upload(client, csv_bytes([*ROWS, ["T001", "", "", "", "First aid", "03/09/2025", ""]]))
    check = latest_check()
    text = client.get(reverse("training:import-preview",
                              args=[check.public_id])).content.decode()
    assert "There is a problem with the file" in text
    assert "“First aid” is not one of the school" in text and "Confirm import" not in text
    confirm = committed(lambda: client.post(
        reverse("training:import-confirm", args=[check.public_id])))
    assert confirm["Location"] == UPLOAD
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_is_refused(personas: Personas,
                                                     login: Login) -> None:
    client = login(personas.siro)
    response = upload(client, b"PK\x03\x04 not a workbook at all", "training.xlsx")
    if response.status_code == 200:  # refused at the upload, by its content
        assert "error" in response.content.decode()
        assert not Job.objects.exists()
    else:  # or by the check: the job failed, saying why
        check = latest_check()
        assert check.status == "failed" and "training.xlsx" in check.message
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_files(personas: Personas, login: Login, file_format: str) -> None:
    response = login(personas.hr_admin).get(
        reverse("training:import-template", args=[file_format]))
    assert response.status_code == 200
    if file_format == "csv":
        assert response.content.decode("utf-8-sig").startswith(
            "Staff number,Email,Full name,Date of birth,Course,Completed on,Notes")
    else:
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(response.content))
        first = workbook.worksheets[0]
        assert [cell.value for cell in first[1]] == HEADINGS
        notes = " ".join(str(cell.value) for row in workbook.worksheets[1].iter_rows()
                         for cell in row if cell.value)
        assert "ncsc_cyber" in notes and "staff number" in notes
    assert login(personas.hr_admin).get(
        reverse("training:import-template", args=["pdf"])).status_code == 404


@pytest.mark.django_db
def test_a_template_filled_in_imports(personas: Personas, login: Login) -> None:
    """The template's own headings, read back by the import."""
    ensure_default_courses(personas.school)
    person(personas.school, "Ada Byron", staff="T001")
    client = login(personas.siro)
    template = client.get(reverse("training:import-template", args=["csv"])).content
    filled = template + b"T001,,,,ncsc_cyber,01/10/2025,\r\n"
    upload(client, filled)
    check = latest_check()
    assert check.status == "done" and check.result["added"] == 1, check.result


# The session, the user, the school with the membership, and the job: the preview reads the
# check job's result, never the records, whatever the file's length.
PREVIEW_QUERIES = 4


@pytest.mark.django_db
@pytest.mark.usefixtures("steady_session")
@pytest.mark.parametrize("rows", [3, 40])
def test_the_preview_costs_the_same_queries_at_3_and_at_40_rows(
        personas: Personas, login: Login, django_assert_num_queries: Any, rows: int) -> None:
    ensure_default_courses(personas.school)
    for n in range(rows):
        person(personas.school, f"Person {n}", staff=f"S{n:03d}")
    client = login(personas.business_manager)
    upload(client, csv_bytes([["Staff number", "Course", "Completed on"]]
                             + [[f"S{n:03d}", "ncsc_cyber", "01/10/2025"]
                                for n in range(rows)]))
    job = latest_check()
    assert job.status == "done" and job.result["rows"] == rows
    url = reverse("training:import-preview", args=[job.public_id])
    client.get(url)  # the session's first read
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(url)
    text = response.content.decode()
    assert f"Training records to add</dt><dd>{rows}" in text
    assert text.count("<th scope=\"row\">Person") == rows
