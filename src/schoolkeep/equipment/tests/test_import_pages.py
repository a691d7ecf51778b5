"""The equipment import pages: upload (equipment.manage only), the preview with nothing
written, a bad row named, confirm, the job importing the items as the user who confirmed;
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
from schoolkeep.equipment.models import Item
from schoolkeep.equipment.tests.import_records import HEADINGS, csv_bytes, xlsx_bytes
from schoolkeep.jobs.models import Job

UPLOAD = reverse("equipment:import-upload")
Login = Callable[[User], Client]
ROWS = [HEADINGS,
        ["HP-0001", "5CD1234ABC", "Laptop", "HP", "ProBook 450", "yes", "BitLocker",
         "Office", ""],
        ["HP-0002", "5CD1234ABD", "Desktop", "HP", "EliteDesk 800", "no", "none", "", ""]]
_capture: Any = None


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks: Any) -> None:
    global _capture
    _capture = django_capture_on_commit_callbacks


def committed(send: Callable[[], Any]) -> Any:
    with _capture(execute=True):
        return send()


def upload(client: Client, content: bytes, name: str = "equipment.csv") -> Any:
    return committed(lambda: client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}))


def latest_check() -> Job:
    return Job.objects.filter(kind="equipment.import.check").latest("created_at")


@pytest.mark.django_db
def test_only_those_who_manage_equipment_may_upload(personas: Personas, login: Login) -> None:
    for persona in ("siro", "business_manager", "it_lead"):
        assert login(personas.users[persona]).get(UPLOAD).status_code == 200
    for persona in ("dpo", "staff", "auditor"):
        client = login(personas.users[persona])
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, csv_bytes(ROWS)).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["equipment.csv", "equipment.xlsx"])
def test_upload_preview_confirm_imports_the_items(personas: Personas, login: Login,
                                                  name: str) -> None:
    client = login(personas.it_lead)
    content = xlsx_bytes(ROWS) if name.endswith(".xlsx") else csv_bytes(ROWS)
    response = upload(client, content, name)
    check = latest_check()
    preview_url = reverse("equipment:import-preview", args=[check.public_id])
    assert response.status_code == 302 and response["Location"] == preview_url
    assert check.status == "done", check.message
    assert not Item.objects.exists()  # checking writes nothing
    text = client.get(preview_url).content.decode()
    assert "Items to add</dt><dd>2" in text and "New item" in text
    assert "Confirm import" in text

    confirmed = committed(lambda: client.post(
        reverse("equipment:import-confirm", args=[check.public_id])))
    applied = Job.objects.get(kind="equipment.import.apply")
    assert confirmed["Location"] == reverse("jobs:job-detail", args=[applied.public_id])
    assert applied.status == "done", applied.message
    assert Item.objects.filter(school=personas.school).count() == 2
    event = AuditEvent.objects.get(action="equipment.import.applied")
    assert event.actor_id == personas.it_lead.pk

    upload(client, content, name)  # the same file again: nothing to import
    text = client.get(reverse("equipment:import-preview",
                              args=[latest_check().public_id])).content.decode()
    assert "there is nothing to import" in text and "Confirm import" not in text


@pytest.mark.django_db
def test_a_bad_row_is_named_in_the_preview(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    upload(client, csv_bytes([*ROWS, ["HP-0003", "5cd-1234-abc", "Laptop", "", "", "", "",
                                      "", ""]]))
    check = latest_check()
    text = client.get(reverse("equipment:import-preview",
                              args=[check.public_id])).content.decode()
    assert "There is a problem with the file" in text
    assert "also the serial number on row 2" in text and "Confirm import" not in text
    confirm = committed(lambda: client.post(
        reverse("equipment:import-confirm", args=[check.public_id])))
    assert confirm["Location"] == UPLOAD
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_is_refused(personas: Personas,
                                                     login: Login) -> None:
    client = login(personas.siro)
    response = upload(client, b"PK\x03\x04 not a workbook at all", "equipment.xlsx")
    if response.status_code == 200:  # refused at the upload, by its content
        assert "error" in response.content.decode()
        assert not Job.objects.exists()
    else:  # or by the check: the job failed, saying why
        check = latest_check()
        assert check.status == "failed" and "equipment.xlsx" in check.message
        page = client.get(reverse("equipment:import-preview", args=[check.public_id]))
        assert check.message in page.content.decode()
    assert not Item.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_files(personas: Personas, login: Login, file_format: str) -> None:
    response = login(personas.it_lead).get(
        reverse("equipment:import-template", args=[file_format]))
    assert response.status_code == 200
    if file_format == "csv":
        assert response.content.decode("utf-8-sig").startswith(
            "Asset tag,Serial number,Kind,Make,Model")
    else:
        assert response.content.startswith(b"PK")


# The session, the user, the school with the membership, and the job: the preview reads the
# check job's result, never the items, whatever the file's length.
PREVIEW_QUERIES = 4


@pytest.mark.django_db
@pytest.mark.usefixtures("steady_session")
@pytest.mark.parametrize("rows", [3, 40])
def test_the_preview_costs_the_same_queries_at_3_and_at_40_rows(
        personas: Personas, login: Login, django_assert_num_queries: Any, rows: int) -> None:
    client = login(personas.it_lead)
    upload(client, csv_bytes([["Serial number", "Kind"]]
                             + [[f"SN{n:04d}", "laptop"] for n in range(rows)]))
    job = latest_check()
    assert job.status == "done" and job.result["rows"] == rows
    url = reverse("equipment:import-preview", args=[job.public_id])
    client.get(url)  # the session's first read
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(url)
    assert f"Items to add</dt><dd>{rows}" in response.content.decode()
