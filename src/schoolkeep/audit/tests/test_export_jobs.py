"""A large audit trail's export is made by a background job (issue 13): above the threshold
its link only offers the page that starts one, by POST; the job writes the same CSV a small
trail downloads at once, into a private file that only its maker opens, reading the events in
chunks; both are audited, and neither file holds its own export's event."""

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
from tests.factories import MembershipFactory, SchoolFactory
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit import export
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.selectors import NO_PERSON
from schoolkeep.audit.services import audit_record
from schoolkeep.jobs import exports as jobs_exports
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_file_path, jobs_dir
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
EXPORT = reverse("audit:event-export")
START = reverse("audit:event-export-start")
FILTER = {"area": "school"}  # leaves the exports' own events out of what is compared
AREA = "area: Members, invitations, term dates and school settings"  # the filter in words


def add_events(personas: Personas, count: int, *, actor: User | None = None) -> None:
    for number in range(count):
        audit_record(action="tenancy.school.settings_changed", school=personas.school,
                     actor=actor or personas.siro, target=personas.school,
                     changes={"name": {"before": f"=Old {number}", "after": "New"}})


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(export, "IN_BACKGROUND_ABOVE", 4)
    return 4


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def run_job(client: Client, capture: Any, query: dict[str, str] | None = None) -> Job:
    url = START + (f"?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else "")
    with capture(execute=True):
        response = client.post(url)
    job = Job.objects.get(kind=export.JOB_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    return job


def exported_events(*, background: bool) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=export.ACTION,
                                          changes__in_background__after=background))


def test_at_or_below_the_threshold_the_link_downloads_at_once(
        personas: Personas, login: Login, small_threshold: int) -> None:
    add_events(personas, 3)  # with the school's own events, at most 4 chosen
    chosen = export.trail_chosen(AuditEvent.objects.filter(school=personas.school))
    assert chosen.rows <= small_threshold
    response = login(personas.dpo).get(EXPORT)
    assert response.status_code == 200 and response.streaming
    assert len(streamed(response).decode("utf-8-sig").splitlines()) == chosen.rows + 1
    assert not Job.objects.exists()
    [event] = exported_events(background=False)
    assert event.actor_id == personas.dpo.pk and event.changes["rows"]["after"] == chosen.rows


def test_above_the_threshold_the_link_offers_a_job_that_makes_the_same_file(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    add_events(personas, 5)
    client = login(personas.dpo)
    at_once = client.get(EXPORT, FILTER)
    assert at_once.status_code == 200
    at_once_bytes = streamed(at_once)
    monkeypatch.setattr(export, "IN_BACKGROUND_ABOVE", 4)
    offer = client.get(EXPORT, FILTER)
    html = offer.content.decode()
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    assert f'action="{START}?area=school"' in html and 'method="post"' in html
    assert f"holds 5 events for this export ({AREA})" in html
    assert not Job.objects.exists()  # the link itself starts nothing
    listing = client.get(reverse("audit:event-list"), FILTER).content.decode()
    assert "made in the background" in listing
    job = run_job(client, django_capture_on_commit_callbacks, FILTER)
    assert job.status == Job.Status.DONE and job.total == job.done == 5
    assert job.created_by == personas.dpo and job.permission == "audit.view"
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == at_once["Content-Type"]
    assert download["Content-Disposition"] == at_once["Content-Disposition"]
    assert streamed(download) == at_once_bytes
    [event] = exported_events(background=True)
    assert event.actor_id == personas.dpo.pk
    assert event.changes["rows"] == {"before": None, "after": 5}
    assert event.changes["filters"] == {"before": None, "after": AREA}


def test_the_job_file_is_private_formula_safe_and_without_its_own_event(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    add_events(personas, 6)
    job = run_job(login(personas.siro), django_capture_on_commit_callbacks)
    path = job_file_path(job)
    assert path is not None and path.parent == jobs_dir()
    assert path.stat().st_mode & 0o077 == 0
    header, *rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert header == export.HEADER and len(rows) == job.total
    ids = {row[header.index("Event id")] for row in rows}
    [own] = exported_events(background=True)
    assert str(own.public_id) not in ids
    changes = [row[header.index("Changes")] for row in rows if row[4].startswith("tenancy.")]
    assert len(changes) == 6 and all('"before": "=Old' in text for text in changes)
    records = {row[header.index("Record")] for row in rows}
    assert personas.school.name in records


def test_another_school_or_member_gets_404_for_the_job_and_its_file(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    add_events(personas, 5)
    job = run_job(login(personas.siro), django_capture_on_commit_callbacks)
    for persona in ("outsider", "dpo", "auditor"):
        client = login(personas.users[persona])
        assert client.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 404
        assert client.get(reverse("jobs:job-download", args=[job.public_id])).status_code == 404


def test_the_outsiders_job_holds_only_their_schools_events(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    add_events(personas, 5)
    for _ in range(5):
        audit_record(action="tenancy.school.settings_changed", school=personas.other_school,
                     actor=personas.outsider, target=personas.other_school)
    client = login(personas.outsider)
    job = run_job(client, django_capture_on_commit_callbacks, FILTER)
    assert job.school == personas.other_school and job.total == 5
    content = streamed(client.get(reverse("jobs:job-download", args=[job.public_id])))
    assert personas.school.name not in content.decode()


def test_only_readers_of_the_trail_start_one_and_only_by_post(
        personas: Personas, login: Login, small_threshold: int) -> None:
    add_events(personas, 5)
    assert login(personas.siro).get(START).status_code == 405
    assert login(personas.staff).post(START).status_code == 403
    invalid = login(personas.siro).post(START + "?date_from=2026-02-01&date_to=2026-01-01")
    assert invalid.status_code == 302 and invalid["Location"].startswith(
        reverse("audit:event-list"))
    assert not Job.objects.exists()
    with pytest.raises(NotAllowed):
        export.trail_export_start(school=personas.school, actor=personas.staff,
                                  selection={}, filters="everything")
    assert not exported_events(background=True)


def test_the_filters_reach_the_job_as_they_were_chosen(personas: Personas) -> None:
    selection = {"actor_id": personas.siro.pk, "area": "school", "action_prefix": "",
                 "date_from": date(2026, 1, 1), "date_to": date(2026, 7, 31)}
    params = export.selection_params(selection)
    assert all(isinstance(value, str) for value in params.values())
    assert export.selection_from_params(params) == selection
    nobody = {"actor_id": NO_PERSON, "area": "", "action_prefix": "", "date_from": None,
              "date_to": None}
    assert export.selection_from_params(export.selection_params(nobody)) == nobody
    # A job queued with an area since taken off the list filters by no area.
    assert export.selection_from_params({**params, "area": "gone"})["area"] == ""


def test_a_failed_export_says_so_and_leaves_no_file(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch, small_threshold: int) -> None:
    add_events(personas, 5)

    def broken(*args: Any, **kwargs: Any) -> Iterator[str]:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(export, "csv_lines", broken)
    job = run_job(login(personas.siro), django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and not job.stored_name
    assert "could not be made" in job.message
    assert list(jobs_dir().iterdir()) == []


def test_rows_are_written_while_the_events_are_read(personas: Personas) -> None:
    """The writer takes events one at a time: the file holds rows before the last event is
    read, so its memory does not grow with the trail."""
    add_events(personas, 7)
    read = 0

    def events() -> Iterator[AuditEvent]:
        nonlocal read
        for event in AuditEvent.objects.filter(school=personas.school).order_by("pk"):
            read += 1
            yield event

    handle = io.BytesIO()
    seen: list[tuple[int, int]] = []
    export.write_trail_csv(events(), handle, on_row=lambda done: seen.append((done, read)))
    assert seen == [(number, number) for number in range(1, read + 1)] and read >= 7
    assert handle.getvalue() == "".join(export.csv_lines(
        AuditEvent.objects.filter(school=personas.school).order_by("pk"))).encode()


def test_progress_is_saved_every_progress_every_events(
        personas: Personas, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(export, "PROGRESS_EVERY", 100)
    add_events(personas, 250)
    saved: list[int] = []
    real = jobs_exports.job_progress

    def recorded(job: Job, *, done: int) -> None:
        real(job, done=done)
        saved.append(done)

    monkeypatch.setattr(jobs_exports, "job_progress", recorded)
    with django_capture_on_commit_callbacks(execute=True):
        job = export.trail_export_start(school=personas.school, actor=personas.siro,
                                        selection={"area": "school"},
                                        filters=AREA)
    job.refresh_from_db()  # the immediate backend ran it
    assert job.status == Job.Status.DONE and job.done == job.total == 250
    assert saved == [100, 200]


def link_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(EXPORT)
        if response.streaming:
            streamed(response)
    assert response.status_code == 200
    return len(captured)


def test_the_link_costs_the_same_for_3_and_40_events_and_1_and_3_schools(
        personas: Personas, login: Login, monkeypatch: pytest.MonkeyPatch) -> None:
    """At once (the events read in a chunk) and the page offering the job: no query per
    event or per school."""
    client = login(personas.siro)
    monkeypatch.setattr(export, "IN_BACKGROUND_ABOVE", 1000)
    add_events(personas, 3)
    client.get(reverse("audit:event-list"))
    few = link_queries(client)
    add_events(personas, 37)
    for _ in range(2):
        MembershipFactory(user=personas.siro, school=SchoolFactory(), roles=[Role.SIRO])
    assert link_queries(client) == few
    monkeypatch.setattr(export, "IN_BACKGROUND_ABOVE", 2)
    offer = link_queries(client)
    add_events(personas, 10)
    assert link_queries(client) == offer


def job_page_queries(client: Client, job: Job) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("jobs:job-detail", args=[job.public_id]))
    assert response.status_code == 200 and job.filename in response.content.decode()
    return len(captured)


def test_starting_and_the_job_page_cost_the_same_for_3_and_40_events(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        small_threshold: int) -> None:
    client = login(personas.siro)
    add_events(personas, 3)
    with CaptureQueriesContext(connection) as first_start:
        first = run_job(client, django_capture_on_commit_callbacks, FILTER)
    few = job_page_queries(client, first)
    Job.objects.all().delete()
    add_events(personas, 37)
    with CaptureQueriesContext(connection) as second_start:
        second = run_job(client, django_capture_on_commit_callbacks, FILTER)
    assert second.total == 40
    assert job_page_queries(client, second) == few
    # The job's own writing reads in chunks of CHUNK events: the same for 3 and 40.
    assert len(second_start) == len(first_start)
