"""The breach log's job writes straight into the job's private file while the incidents are
read (issue 13): the same CSV and workbook as before, written row by row, no query per
incident, and a file only its maker opens."""

from __future__ import annotations

import csv
import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.incidents.exports import log as exports_log
from schoolkeep.incidents.exports.log import (
    COUNT_HEADER,
    CSV,
    LOG_HEADER,
    XLSX,
    BreachLog,
    LogFilters,
    breach_log_file,
)
from schoolkeep.incidents.tests.test_exports_log import (
    NOW,
    add_breaches,
    build_log,
    xlsx_sheets,
)
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_file_path, jobs_dir
from schoolkeep.tenancy.calendar import TermCalendar


def old_csv(header: list[str], rows: list[list[object]]) -> bytes:
    """How the CSV was written before it was streamed: whole, in a string."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for cells in rows:
        writer.writerow([exports_log._text_cell(value) for value in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def test_the_zips_csv_files_hold_the_same_bytes_as_before(personas: Personas) -> None:
    build_log(personas)
    log = BreachLog(personas.school, LogFilters(), now=NOW)
    rows = [row.cells() for row in log.rows()]
    counts = [term.cells() for term in log.term_counts()]
    content = breach_log_file(personas.school, CSV, LogFilters(), now=NOW).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["breach-log.csv", "counts-per-term.csv"]
        assert archive.read("breach-log.csv") == old_csv(LOG_HEADER, rows)
        assert archive.read("counts-per-term.csv") == old_csv(COUNT_HEADER, counts)
        assert all(info.external_attr >> 16 == 0o600 for info in archive.infolist())
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())


def test_rows_are_written_while_the_incidents_are_read(personas: Personas, monkeypatch) -> None:
    build_log(personas)
    monkeypatch.setattr(exports_log, "CHUNK", 2)
    log = BreachLog(personas.school, LogFilters(), now=NOW)
    read = 0
    real_rows = log.rows

    def counted_rows():  # type: ignore[no-untyped-def]
        nonlocal read
        for row in real_rows():
            read += 1
            yield row

    log.rows = counted_rows  # type: ignore[method-assign]
    seen: list[tuple[int, int]] = []
    handle = io.BytesIO()
    exports_log.write_breach_log_xlsx(log, handle, lambda done: seen.append((done, read)))
    assert seen == [(number, number) for number in range(1, 7)]
    assert len(xlsx_sheets(handle.getvalue())["Breach log"]) == 7


def run_job(client, capture, fmt: str) -> Job:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post(reverse("incidents:exports"), {"format": fmt})
    job = Job.objects.get(kind=exports_log.JOB_KIND)
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    return job


def test_the_jobs_file_is_the_log_made_at_once_and_private(
        personas: Personas, login, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    build_log(personas)
    client = login(personas.dpo)
    for fmt in (CSV, XLSX):
        job = run_job(client, django_capture_on_commit_callbacks, fmt)
        assert job.status == Job.Status.DONE and job.done == job.total == 6
        path = job_file_path(job)
        assert path is not None and path.parent == jobs_dir()
        assert path.stat().st_mode & 0o077 == 0
        at_once = breach_log_file(personas.school, fmt, LogFilters())
        assert job.filename == at_once.filename
        if fmt == XLSX:
            assert xlsx_sheets(path.read_bytes()) == xlsx_sheets(at_once.content)
        else:
            with zipfile.ZipFile(path) as made, zipfile.ZipFile(
                    io.BytesIO(at_once.content)) as expected:
                for name in expected.namelist():
                    assert made.read(name) == expected.read(name)
        Job.objects.all().delete()


def test_another_school_or_member_gets_404_for_the_job_and_its_file(
        personas: Personas, login, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    build_log(personas)
    job = run_job(login(personas.dpo), django_capture_on_commit_callbacks, XLSX)
    for persona in ("outsider", "siro", "auditor"):
        other = login(personas.users[persona])
        assert other.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 404
        assert other.get(reverse("jobs:job-download", args=[job.public_id])).status_code == 404


def test_a_failed_export_says_so_and_leaves_no_file(
        personas: Personas, login, django_capture_on_commit_callbacks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    build_log(personas)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(exports_log.WRITERS, CSV, broken)
    job = run_job(login(personas.dpo), django_capture_on_commit_callbacks, CSV)
    assert job.status == Job.Status.FAILED and not job.stored_name
    assert "could not be made" in job.message
    assert list(jobs_dir().iterdir()) == []


def job_queries(client, capture) -> int:  # type: ignore[no-untyped-def]
    client.get(reverse("incidents:exports"))  # the session's last activity saved first
    with CaptureQueriesContext(connection) as captured:
        job = run_job(client, capture, CSV)
        assert client.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 200
    Job.objects.all().delete()
    return len(captured)


def test_starting_running_and_the_job_page_cost_the_same_for_3_and_40_incidents(
        personas: Personas, login, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    school = personas.school
    TermCalendar(school).preload([2024, 2025, 2026])  # the default terms, saved once
    client = login(personas.dpo)
    add_breaches(school, personas.staff, 3, 0)
    few = job_queries(client, django_capture_on_commit_callbacks)
    add_breaches(school, personas.staff, 37, 3)
    assert job_queries(client, django_capture_on_commit_callbacks) == few
