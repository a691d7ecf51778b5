"""The pages of backup checks: the list (latest first, filters, Schoolkeep's nightly runs
read-only beside the school's checks, a query count the same at 3 and 40 rows), recording a
check (``?set=`` chooses the set; the report attached and downloaded; a refusal on the form
naming the field, nothing written), a report of another school a 404, read-only roles a
403, and the backup and restore log as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupCheck, RestoreTest
from schoolkeep.continuity.tests.test_checks_services import PDF, make_set, record

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("continuity:check-list")
CREATE = reverse("continuity:check-create")
EXPORT = reverse("continuity:log-export")


def _date(day) -> dict[str, str]:
    return {"checked_on_0": str(day.day), "checked_on_1": str(day.month),
            "checked_on_2": str(day.year)}


def test_the_list_and_its_filters(personas: Personas, login: Login) -> None:
    today = timezone.localdate()
    nas, tapes = make_set(personas.school), make_set(personas.school, "Tapes")
    record(personas.school, nas, checked_on=today - timedelta(days=3))
    record(personas.school, tapes, checked_on=today - timedelta(days=1), outcome="failed",
           action_taken="Put in a new tape and ran it again.")
    record(personas.other_school, make_set(personas.other_school, "Elsewhere"))
    html = login(personas.auditor).get(LIST).content.decode()
    assert "Checks recorded (2)" in html and "Elsewhere" not in html
    assert html.index("Put in a new tape") < html.index("Nothing needed")
    assert "Record a check" not in html  # the auditor reads only
    failed = login(personas.auditor).get(LIST, {"outcome": "failed"}).content.decode()
    assert "Checks recorded (1)" in failed and "new tape" in failed
    by_set = login(personas.auditor).get(LIST, {"backup_set": str(nas.public_id)})
    assert "Checks recorded (1)" in by_set.content.decode()


def test_schoolkeeps_nightly_runs_are_shown_read_only(personas: Personas, login: Login,
                                                      settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([personas.school.pk])
    now = timezone.now()
    BackupRun.objects.create(started_at=now - timedelta(days=2), ok=True,
                             finished_at=now - timedelta(days=2))
    BackupRun.objects.create(started_at=now - timedelta(days=1), ok=False,
                             finished_at=now - timedelta(days=1), message="Disk full")
    html = login(personas.it_lead).get(LIST).content.decode()
    assert "<h2>Schoolkeep's own backups</h2>" in html and "Disk full" in html
    form = login(personas.it_lead).get(CREATE).content.decode()
    assert "nightly archive" not in form  # not a set anyone records


def test_recording_a_check_with_its_report(personas: Personas, login: Login) -> None:
    nas = make_set(personas.school)
    client = login(personas.it_lead)
    form = client.get(CREATE, {"set": str(nas.public_id)}).content.decode()
    assert f'value="{nas.public_id}" selected' in form
    response = client.post(CREATE, {
        "backup_set": str(nas.public_id), **_date(timezone.localdate()),
        "outcome": "succeeded", "evidence": SimpleUploadedFile("job report.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == LIST
    check = BackupCheck.objects.get()
    assert check.evidence_original_name == "job report.pdf"
    html = client.get(LIST).content.decode()
    url = reverse("continuity:check-evidence", args=[check.public_id])
    assert url in html
    download = login(personas.auditor).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert login(personas.outsider).get(url).status_code == 404
    assert login(personas.staff).get(url).status_code == 403


def test_a_refusal_lands_on_its_field(personas: Personas, login: Login) -> None:
    nas = make_set(personas.school)
    response = login(personas.it_lead).post(CREATE, {
        "backup_set": str(nas.public_id), **_date(timezone.localdate()), "outcome": "failed",
        "evidence": SimpleUploadedFile("x.html", b"<html></html>")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say what was done about the failed backup" in html
    assert not BackupCheck.objects.exists()
    response = login(personas.it_lead).post(CREATE, {
        "backup_set": str(nas.public_id), **_date(timezone.localdate()), "outcome": "failed",
        "action_taken": "Ran again", "evidence": SimpleUploadedFile("x.html", b"<html></html>")})
    assert "must be a PDF" in response.content.decode()
    assert not BackupCheck.objects.exists()


def test_a_set_of_another_school_is_not_offered(personas: Personas, login: Login) -> None:
    other = make_set(personas.other_school, "Elsewhere")
    response = login(personas.it_lead).post(CREATE, {
        "backup_set": str(other.public_id), **_date(timezone.localdate()),
        "outcome": "succeeded"})
    assert response.status_code == 200 and not BackupCheck.objects.exists()
    assert "Elsewhere" not in response.content.decode()


def test_read_only_roles_may_not_record(personas: Personas, login: Login) -> None:
    assert login(personas.auditor).get(CREATE).status_code == 403
    assert login(personas.dpo).post(CREATE, {}).status_code == 403


def test_no_sets_yet(personas: Personas, login: Login) -> None:
    html = login(personas.it_lead).get(CREATE).content.decode()
    assert "There is no backup set to check yet" in html


def _populate(personas: Personas, start: int, n: int) -> None:
    today = timezone.localdate()
    for i in range(start, start + n):
        backup_set = make_set(personas.school, f"Set {i}")
        record(personas.school, backup_set, checked_on=today - timedelta(days=i % 20),
               evidence=SimpleUploadedFile(f"r{i}.txt", b"ok") if i % 2 else None)


def test_list_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                        settings, django_assert_num_queries) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([personas.school.pk])
    client = login(personas.business_manager)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Checks recorded (40)" in html


def test_the_log_as_csv_and_xlsx(personas: Personas, login: Login) -> None:
    today = timezone.localdate()
    nas = make_set(personas.school)
    record(personas.school, nas, checked_on=today - timedelta(days=5))
    record(personas.school, nas, checked_on=today - timedelta(days=1), outcome="failed",
           action_taken="=cmd|' /C calc'!A0")
    RestoreTest.objects.create(school=personas.school, backup_set=nas,
                               tested_on=today - timedelta(days=3), what_was_restored="Files",
                               minutes_taken=12, outcome="worked", recorded_by_label="IT")
    client = login(personas.auditor)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Record", "Day", "Backup set"]
    assert [row[0] for row in rows[1:]] == ["Backup check", "Restore test", "Backup check"]
    assert rows[1][5].startswith("'=")  # never run as a formula
    assert rows[2][6] == "12"
    workbook = load_workbook(io.BytesIO(client.get(EXPORT, {"format": "xlsx"}).content))
    sheet = workbook.active
    assert sheet.max_row == 4 and sheet["A3"].value == "Restore test"
    assert AuditEvent.objects.filter(action="continuity.log.exported").count() == 2
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 400
    assert login(personas.staff).get(EXPORT).status_code == 403


def test_the_logs_format_in_any_case(personas: Personas, login: Login) -> None:
    client = login(personas.it_lead)
    url = reverse("continuity:log-export")
    response = client.get(url, {"format": "CSV"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 400 and "Choose XLSX or CSV" in response.content.decode()
