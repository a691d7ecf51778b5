"""A large register's downloads are made by a background job (issue 13): its link only offers
the page that starts one, by POST; the job writes the same file a small register downloads at
once, into a private file that only its maker opens; CSV and XLSX are written while the assets
are read, never held whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from tests.factories import MembershipFactory, SchoolFactory
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets import export_jobs, exports, services
from schoolkeep.assets.models import Asset
from schoolkeep.assets.selectors import appendix_rows
from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs import exports as jobs_exports
from schoolkeep.jobs.exports import in_memory
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_file_path, jobs_dir
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.roles import Role

Login = Callable[[User], Client]
# Each download's URL (and query) as its link gives it.
LINKS = {
    "appendix-docx": ("assets:appendix-docx", {}),
    "appendix-csv": ("assets:appendix-csv", {}),
    "register-xlsx": ("assets:register-export", {"format": "xlsx"}),
    "register-csv": ("assets:register-export", {"format": "csv"}),
    "processing-record-xlsx": ("assets:processing-record-xlsx", {}),
}


def add_assets(personas: Personas, count: int, *, start: int = 0) -> None:
    """Assets in two groups, with owners and access labels (each with a formula's start)."""
    school = personas.school
    groups = [services.group_get_or_create(school=school, name=name, actor=None)
              for name in ("Pupil data (MIS)", "=Disaster recovery")]
    for number in range(start, start + count):
        services.asset_create(
            school=school, actor=None, group=groups[number % 2], name=f"Asset {number:03d}",
            owner_unmatched=f"Owner {number % 3}", access_labels=["Head", "@Office"],
            purpose="+Teaching")


def content_of(code: str, raw: bytes) -> Any:
    """What a file holds, whatever its zip's timestamps: a CSV's bytes, a workbook's rows,
    a Word document's table cells."""
    if code.endswith("csv"):
        return raw
    if code.endswith("xlsx"):
        sheet = load_workbook(io.BytesIO(raw)).active
        assert sheet is not None
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return [[cell.text for cell in row.cells] for row in Document(io.BytesIO(raw)).tables[0].rows]


def run_job(client: Client, code: str, capture: Any) -> Job:
    with capture(execute=True):
        response = client.post(reverse("assets:export-start", args=[code]))
    job = Job.objects.get(kind=export_jobs.JOB_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    return job


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(export_jobs, "IN_BACKGROUND_ABOVE", 4)
    return 4


def test_at_or_below_the_threshold_the_link_downloads_at_once(
        personas: Personas, login: Login, small_threshold: int) -> None:
    add_assets(personas, small_threshold)
    response = login(personas.governor).get(reverse("assets:appendix-csv"))
    assert response.status_code == 200 and response["Content-Type"] == exports.CSV_TYPE
    assert not Job.objects.exists()
    event = AuditEvent.objects.get(action=export_jobs.ACTION)
    assert event.actor_id == personas.governor.pk
    assert event.changes["rows"] == {"before": None, "after": 4}
    assert event.changes["in_background"] == {"before": None, "after": False}


@pytest.mark.parametrize("code", list(LINKS))
def test_above_the_threshold_the_link_offers_a_job_that_makes_the_same_file(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    add_assets(personas, 5)
    client = login(personas.staff)
    name, query = LINKS[code]
    at_once = client.get(reverse(name), query)
    assert at_once["Content-Type"] == export_jobs.EXPORTS[code].content_type
    monkeypatch.setattr(export_jobs, "IN_BACKGROUND_ABOVE", 4)
    offer = client.get(reverse(name), query)
    html = offer.content.decode()
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    assert f'action="{reverse("assets:export-start", args=[code])}"' in html
    assert 'method="post"' in html and "holds 5 current assets" in html
    assert not Job.objects.exists()  # the link itself starts nothing
    job = run_job(client, code, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE and job.total == job.done == 5
    assert job.created_by == personas.staff and job.permission == "assets.view"
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == at_once["Content-Type"]
    assert download["Content-Disposition"] == at_once["Content-Disposition"]
    made = b"".join(download.streaming_content)
    assert content_of(code, made) == content_of(code, at_once.content)
    background = AuditEvent.objects.filter(action=export_jobs.ACTION).order_by("-id").first()
    assert background is not None and background.actor_id == personas.staff.pk
    assert background.changes["in_background"] == {"before": None, "after": True}
    assert background.changes["rows"] == {"before": None, "after": 5}


def test_the_job_file_is_private_and_formula_safe(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    add_assets(personas, 6)
    job = run_job(login(personas.siro), "register-csv", django_capture_on_commit_callbacks)
    path = job_file_path(job)
    assert path is not None and path.parent == jobs_dir()
    assert path.stat().st_mode & 0o077 == 0
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 7
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Group"] == "Pupil data (MIS)"
    assert first["Purpose"] == "'+Teaching"
    assert first["Who has access to enter information"] == "Head / @Office"
    assert {row[0] for row in rows[1:]} == {"Pupil data (MIS)", "'=Disaster recovery"}


def test_another_school_or_member_gets_404_for_the_job_and_its_file(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    add_assets(personas, 5)
    job = run_job(login(personas.siro), "appendix-csv", django_capture_on_commit_callbacks)
    for persona in ("outsider", "dpo", "governor"):
        client = login(personas.users[persona])
        assert client.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 404
        assert client.get(reverse("jobs:job-download", args=[job.public_id])).status_code == 404


def test_a_link_never_starts_a_job_and_an_unknown_download_is_404(
        personas: Personas, login: Login, small_threshold: int) -> None:
    add_assets(personas, 5)
    client = login(personas.siro)
    assert client.get(reverse("assets:export-start", args=["appendix-csv"])).status_code == 405
    assert client.post(reverse("assets:export-start", args=["passwords"])).status_code == 404
    assert client.get(reverse("assets:register-export"), {"format": "pdf"}).status_code == 404
    assert not Job.objects.exists()
    with pytest.raises(DomainError, match="Choose one of the register's downloads"):
        export_jobs.export_start(school=personas.school, actor=None, code="passwords")


def test_only_a_reader_of_the_register_starts_one(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        export_jobs.export_start(school=personas.school, actor=personas.outsider,
                                 code="register-csv")
    job = export_jobs.export_start(school=personas.school, actor=personas.trust_admin,
                                   code="register-csv")
    assert job.status == Job.Status.QUEUED


def test_a_failed_export_says_so_and_leaves_no_file(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch, small_threshold: int) -> None:
    add_assets(personas, 5)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(exports, "write_csv", broken)
    job = run_job(login(personas.siro), "register-csv", django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and not job.stored_name
    assert "could not be made" in job.message
    assert list(jobs_dir().iterdir()) == []


def job_page_queries(client: Client, job: Job) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("jobs:job-detail", args=[job.public_id]))
    assert response.status_code == 200 and job.filename in response.content.decode()
    return len(captured)


def test_the_job_page_costs_the_same_for_3_and_40_assets_and_1_and_3_schools(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    client = login(personas.siro)
    add_assets(personas, 3)
    first = run_job(client, "appendix-docx", django_capture_on_commit_callbacks)
    few = job_page_queries(client, first)
    Job.objects.all().delete()
    add_assets(personas, 37, start=3)
    for _ in range(2):
        MembershipFactory(user=personas.siro, school=SchoolFactory(), roles=[Role.SIRO])
    second = run_job(client, "appendix-docx", django_capture_on_commit_callbacks)
    assert second.total == 40
    assert job_page_queries(client, second) == few


def test_csv_rows_are_written_while_the_assets_are_read(personas: Personas) -> None:
    """The writer takes assets a chunk at a time: the file holds rows before the last asset
    is read, so its memory does not grow with the register."""
    add_assets(personas, 7)
    read = 0

    def assets() -> Iterator[Asset]:
        nonlocal read
        for asset in Asset.objects.filter(school=personas.school).order_by("pk"):
            read += 1
            yield asset

    handle = io.BytesIO()
    rows_seen: list[tuple[int, int]] = []  # (rows written, assets read by then)
    exports.write_register_csv(assets(), handle,
                               on_row=lambda done: rows_seen.append((done, read)))
    assert rows_seen == [(number, number) for number in range(1, 8)]
    assert handle.getvalue().decode("utf-8-sig").count("\r\n") == 8


def test_a_group_cut_between_chunks_keeps_one_heading(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    add_assets(personas, 7)
    whole = exports.appendix_csv(appendix_rows(personas.school))
    monkeypatch.setattr(exports, "CHUNK", 2)
    streamed = in_memory(lambda handle: export_jobs.EXPORTS["appendix-csv"].write(
        personas.school, handle, timezone.localdate(), None))
    assert streamed == whole
    rows = list(csv.reader(io.StringIO(streamed.decode("utf-8-sig"))))
    assert [row[0] for row in rows if row[1:] == ["", "", ""]] == [
        "Pupil data (MIS)", "'=Disaster recovery"]


def test_the_workbook_keeps_its_styles(personas: Personas) -> None:
    """Styles given by name (for speed) still wrap text, bold the headings and show dates."""
    add_assets(personas, 1)
    Asset.objects.update(next_review_on=date(2026, 9, 1))
    content = exports.register_xlsx(Asset.objects.all(), school=personas.school)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    heading, cell = sheet["B1"], sheet["B2"]
    assert heading.font.bold and heading.alignment.wrap_text
    assert not cell.font.bold and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    headings = [column.heading for column in exports.REGISTER_COLUMNS]
    review = sheet.cell(row=2, column=headings.index("Next review due on") + 1)
    assert review.value.date() == date(2026, 9, 1) and review.number_format == "DD/MM/YYYY"


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_outside_a_transaction_as_the_worker_runs_it(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress is committed between chunks while the assets are still being read (a
    server-side cursor on PostgreSQL), as in the worker, where no request's transaction
    holds everything together."""
    add_assets(personas, 7)
    monkeypatch.setattr(exports, "CHUNK", 2)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)
    progress: list[int] = []
    real_progress = jobs_exports.job_progress

    def recorded(job: Job, *, done: int) -> None:
        real_progress(job, done=done)  # an UPDATE committed while the cursor is open
        progress.append(Job.objects.get(pk=job.pk).done)

    monkeypatch.setattr(jobs_exports, "job_progress", recorded)  # the shared runner's
    job = export_jobs.export_start(school=personas.school, actor=personas.siro,
                                   code="appendix-csv")  # the immediate backend runs it
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and progress == list(range(1, 8))
    path = job_file_path(job)
    assert path is not None
    assert path.read_bytes() == exports.appendix_csv(appendix_rows(personas.school))


def link_queries(client: Client, code: str) -> int:
    name, query = LINKS[code]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    return len(captured)


def test_each_link_costs_the_same_for_3_and_40_assets_and_1_and_3_schools(
        personas: Personas, login: Login, monkeypatch: pytest.MonkeyPatch) -> None:
    """The downloads made at once, then the page offering the job: no query per asset."""
    client = login(personas.siro)
    add_assets(personas, 3)
    few = {code: link_queries(client, code) for code in LINKS}
    add_assets(personas, 37, start=3)
    for _ in range(2):
        MembershipFactory(user=personas.siro, school=SchoolFactory(), roles=[Role.SIRO])
    assert {code: link_queries(client, code) for code in LINKS} == few
    monkeypatch.setattr(export_jobs, "IN_BACKGROUND_ABOVE", 2)
    offer = link_queries(client, "appendix-csv")
    add_assets(personas, 10, start=40)
    assert link_queries(client, "appendix-csv") == offer
