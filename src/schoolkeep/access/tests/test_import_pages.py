"""The user-list pages: choose a system and upload its list (access.manage only; a system of
the school only), the preview's sections with nothing written, confirm, the job recording
the accounts; another school's system refused; the template files; the preview's queries
the same at 3 and at 40 rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.models import SystemAccount
from schoolkeep.access.tests.import_records import csv_bytes, person, system
from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs.models import Job
from schoolkeep.systems.models import System

UPLOAD = reverse("access:import-upload")
Login = Callable[[User], Client]
LIST = [["User name", "Forename", "Surname", "Status", "User groups"],
        ["pgray", "Peter", "Gray", "Active", "Teachers"],
        ["kdoyle", "Karen", "Doyle", "Active", "System Manager"]]


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks: Any) -> None:
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture: Any = None


def committed(send: Callable[[], Any]) -> Any:
    with _capture(execute=True):
        return send()


def upload(client: Client, sims: System, content: bytes, name: str = "users.csv") -> Any:
    return committed(lambda: client.post(UPLOAD, {
        "system": str(sims.public_id), "file": SimpleUploadedFile(name, content)}))


def test_only_those_who_manage_access_may_upload(personas: Personas, login: Login) -> None:
    sims = system(personas)
    for persona in ("siro", "it_lead"):
        assert login(personas.users[persona]).get(UPLOAD).status_code == 200
    for persona in ("dpo", "business_manager", "staff", "auditor"):
        client = login(personas.users[persona])
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, sims, csv_bytes(LIST)).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_upload_preview_confirm_records_the_accounts(personas: Personas, login: Login) -> None:
    sims = system(personas)
    person(personas.school, "Peter Gray",
           leaving_date=timezone.localdate() - timedelta(days=60))
    client = login(personas.it_lead)
    page = client.get(UPLOAD, {"system": str(sims.public_id)})
    assert f'value="{sims.public_id}" selected' in page.content.decode()

    response = upload(client, sims, csv_bytes(LIST))

    check = Job.objects.get(kind="access.user_list.check")
    preview_url = reverse("access:import-preview", args=[check.public_id])
    assert response.status_code == 302 and response["Location"] == preview_url
    assert check.status == "done", check.message
    assert not SystemAccount.objects.exists()  # checking writes nothing
    text = client.get(preview_url).content.decode()
    assert "Accounts of leavers still enabled: 1" in text
    assert "Left on" in text and "pgray" in text
    assert "Accounts that match nobody on the Single Central Record: 1" in text
    assert "Administrator accounts without two-factor: 1" in text
    assert "Confirm import" in text

    confirmed = committed(lambda: client.post(
        reverse("access:import-confirm", args=[check.public_id])))

    applied = Job.objects.get(kind="access.user_list.apply")
    assert confirmed["Location"] == reverse("jobs:job-detail", args=[applied.public_id])
    assert applied.status == "done", applied.message
    assert SystemAccount.objects.filter(system=sims).count() == 2
    event = AuditEvent.objects.get(action="access.user_list.applied")
    assert event.actor_id == personas.it_lead.pk

    # The same file again: nothing to save, no confirm button.
    upload(client, sims, csv_bytes(LIST))
    again = Job.objects.filter(kind="access.user_list.check").latest("created_at")
    text = client.get(reverse("access:import-preview", args=[again.public_id])).content.decode()
    assert "there is nothing to save" in text and "Confirm import" not in text


@pytest.mark.django_db
def test_another_schools_system_cannot_be_chosen(personas: Personas, login: Login) -> None:
    theirs = System.objects.create(school=personas.other_school, name="SIMS", name_key="sims")
    response = upload(login(personas.siro), theirs, csv_bytes(LIST))
    assert response.status_code == 200
    assert "Choose one of the school&#x27;s systems." in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_bad_row_is_named_in_the_preview(personas: Personas, login: Login) -> None:
    sims = system(personas)
    client = login(personas.siro)
    upload(client, sims, csv_bytes([*LIST, ["pgray", "Peter", "Again", "Maybe", ""]]))
    check = Job.objects.get(kind="access.user_list.check")
    text = client.get(reverse("access:import-preview", args=[check.public_id])).content.decode()
    assert "also on row 2" in text and "Confirm import" not in text
    confirm = committed(lambda: client.post(
        reverse("access:import-confirm", args=[check.public_id])))
    assert confirm["Location"] == UPLOAD
    assert not SystemAccount.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_files(personas: Personas, login: Login, file_format: str) -> None:
    response = login(personas.it_lead).get(
        reverse("access:import-template", args=[file_format]))
    assert response.status_code == 200
    if file_format == "csv":  # bytes: a plain response
        assert response.content.decode("utf-8-sig").startswith(
            "Username,Name,First name,Last name,Email")
    else:
        assert response.content.startswith(b"PK")


def _preview_of(personas: Personas, login: Login, rows: int) -> tuple[Client, str]:
    sims = system(personas, f"System {rows}")
    for number in range(rows):
        person(personas.school, f"Person {number}")
    table = [["Username", "Name", "Admin", "Two-factor", "Last sign-in"]] + [
        [f"user{n}", f"Person {n}" if n % 3 else f"Nobody {n}", "yes" if n % 2 else "no",
         "", "01/01/2024"] for n in range(rows)]
    client = login(personas.it_lead)
    upload(client, sims, csv_bytes(table))
    job = Job.objects.filter(kind="access.user_list.check").latest("created_at")
    assert job.status == "done" and job.result["rows"] == rows
    return client, reverse("access:import-preview", args=[job.public_id])


# The session, the user, the school with the membership, and the job: the preview reads the
# check job's result, never the accounts, whatever the list's length.
PREVIEW_QUERIES = 4


@pytest.mark.django_db
@pytest.mark.usefixtures("steady_session")
@pytest.mark.parametrize("rows", [3, 40])
def test_the_preview_costs_the_same_queries_at_3_and_at_40_rows(
        personas: Personas, login: Login, django_assert_num_queries: Any, rows: int) -> None:
    client, url = _preview_of(personas, login, rows)
    client.get(url)  # the session's first read
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(url)
    assert f"Administrator accounts without two-factor: {rows // 2}" in \
        response.content.decode()
