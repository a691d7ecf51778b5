"""The member's own reports: theirs only, with reference, title, received and status and
nothing of the handling, paginated, in a constant number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.matrix_parts.incidents_report import make_report
from tests.personas import Personas

from schoolkeep.incidents.models import Channel, Incident, Status
from schoolkeep.incidents.report.services import incident_report


def test_a_member_sees_their_own_reports_only(personas: Personas, login):
    mine = make_report(personas, personas.governor, title="Minutes left in the library")
    make_report(personas, personas.staff, title="Someone else's report")
    Incident.objects.filter(pk=mine.pk).update(
        status=Status.OPEN, lessons_learned="Handling notes nobody else reads")
    page = login(personas.governor).get(reverse("incidents:my-reports")).content.decode()
    assert mine.reference in page and "Minutes left in the library" in page
    assert "Being handled" in page
    assert mine.received_at.strftime("%Y") in page
    assert "Someone else" not in page and "BR-2026-0002" not in page
    assert "Handling notes" not in page
    assert f'href="{reverse("incidents:incident-detail", args=[mine.public_id])}"' in page
    assert f'href="{reverse("incidents:report")}"' in page  # report another


def test_a_member_with_no_reports_is_told_so(personas: Personas, login):
    make_report(personas, personas.staff)
    page = login(personas.auditor).get(reverse("incidents:my-reports")).content.decode()
    assert "You have not reported any incidents here yet." in page
    assert "BR-" not in page


def test_each_school_lists_its_own_reports(personas: Personas, login):
    make_report(personas, personas.staff, title="Oakfield report")
    incident_report(school=personas.other_school, actor=personas.outsider,
                    channel=Channel.APP, title="Hillside report", description="Lost a file.")
    page = login(personas.outsider).get(reverse("incidents:my-reports")).content.decode()
    assert "Hillside report" in page and "Oakfield report" not in page


def test_the_list_is_paginated_newest_first(personas: Personas, login):
    for number in range(30):
        make_report(personas, personas.staff, title=f"Report number {number}")
    client = login(personas.staff)
    first = client.get(reverse("incidents:my-reports")).content.decode()
    second = client.get(reverse("incidents:my-reports") + "?page=2").content.decode()
    assert "Report number 29" in first and "Report number 5<" in first
    assert "Report number 4<" in second and "Report number 0<" in second
    assert "Page 1 of 2" in first and "Report number 29" not in second


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_list_takes_as_many_queries_for_3_reports_as_for_40(personas: Personas, login):
    client = login(personas.staff)
    url = reverse("incidents:my-reports")
    for _ in range(3):
        make_report(personas, personas.staff)
    client.get(url)  # warm the session and caches once
    few = _queries(client, url)
    for _ in range(37):
        make_report(personas, personas.staff)
    assert _queries(client, url) == few
    assert _queries(client, url + "?page=2") == few
