"""The Single Central Record's spreadsheet job writes straight into the job's private file
while the people are read in chunks (issue 13): the same workbook as the one made in memory,
no query per person, and a file only its maker opens."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_file_path, jobs_dir
from schoolkeep.people.record import exports
from schoolkeep.people.record.rows import RecordFilters, RecordRow, record_iter, record_layout
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.tests.test_exports import reauthenticate, xlsx_table
from schoolkeep.people.tests.test_record import complete_employee, person
from schoolkeep.people.visibility import Level

EXPORT = reverse("people:record-export")


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # where job files are written


def add_people(school, count, start=0):
    for number in range(start, start + count):
        if number % 2:
            complete_employee(school, f"Person {number:03d}")
        else:
            person(school, f"=Person {number:03d}")  # checks missing, a formula's start


def export_job(client, capture, fmt="xlsx"):
    with capture(execute=True):
        response = client.post(EXPORT, {"format": fmt})
    job = Job.objects.get(kind=exports.JOB_KIND)
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    return job


def test_the_jobs_workbook_is_the_one_made_in_memory(
        personas, login, django_capture_on_commit_callbacks):
    school = personas.school
    add_people(school, 5)
    client = login(personas.siro)
    reauthenticate(client, personas.siro)
    job = export_job(client, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE and job.done == job.total == 5
    path = job_file_path(job)
    assert path is not None and path.parent == jobs_dir()
    assert path.stat().st_mode & 0o077 == 0
    layout = record_layout(Level.SENSITIVE)
    today = timezone.localdate()
    rows = record_iter(school=school, rule_set=rule_set_for(school), filters=RecordFilters(),
                       sensitive=True, today=today)
    expected = xlsx_table(exports.record_xlsx(rows, layout, school=school, printed_on=today))
    made = xlsx_table(path.read_bytes())
    assert made == expected and len(made) == 6
    assert "'=Person 000" in [row[0] for row in made]


def test_another_school_or_member_gets_404_for_the_job_and_its_file(
        personas, login, django_capture_on_commit_callbacks):
    add_people(personas.school, 3)
    client = login(personas.siro)
    reauthenticate(client, personas.siro)
    job = export_job(client, django_capture_on_commit_callbacks)
    for persona in ("outsider", "hr_admin", "dsl"):
        other = login(personas.users[persona])
        assert other.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 404
        assert other.get(reverse("jobs:job-download", args=[job.public_id])).status_code == 404


def test_rows_are_written_while_the_people_are_read(personas):
    add_people(personas.school, 6)
    school = personas.school
    read = 0

    def counted_rows() -> Iterator[RecordRow]:
        nonlocal read
        for row in record_iter(school=school, rule_set=rule_set_for(school),
                               filters=RecordFilters(), sensitive=False, chunk_size=2):
            read += 1
            yield row

    seen: list[tuple[int, int]] = []
    handle = io.BytesIO()
    exports.write_record_xlsx(counted_rows(), record_layout(Level.RECORD), handle,
                              school=school, printed_on=timezone.localdate(),
                              on_row=lambda done: seen.append((done, read)))
    assert seen == [(number, number) for number in range(1, 7)]
    assert len(xlsx_table(handle.getvalue())) == 7


def test_a_failed_export_says_so_and_leaves_no_file(
        personas, login, django_capture_on_commit_callbacks, monkeypatch):
    add_people(personas.school, 3)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(exports, "write_record_xlsx", broken)
    client = login(personas.siro)
    reauthenticate(client, personas.siro)
    job = export_job(client, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and not job.stored_name
    assert "could not be made" in job.message
    assert list(jobs_dir().iterdir()) == []


def start_and_page_queries(client, capture):
    client.get(reverse("people:record"))  # the session's last activity saved before counting
    with CaptureQueriesContext(connection) as started:
        job = export_job(client, capture)
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("jobs:job-detail", args=[job.public_id]))
    assert response.status_code == 200 and job.filename in response.content.decode()
    Job.objects.all().delete()
    return len(started), len(page), job.total


def test_the_export_and_its_page_cost_the_same_for_3_and_40_people(
        personas, login, django_capture_on_commit_callbacks):
    """Starting the export, the job writing it (run at once here) and the job's page: no
    query per person."""
    client = login(personas.siro)
    reauthenticate(client, personas.siro)
    add_people(personas.school, 3)
    *few, total = start_and_page_queries(client, django_capture_on_commit_callbacks)
    assert total == 3
    add_people(personas.school, 37, start=3)
    *many, total = start_and_page_queries(client, django_capture_on_commit_callbacks)
    assert total == 40 and many == few
