"""Exports of the Single Central Record: re-authentication, audit, the background job, and
what each level of access sees in the spreadsheet and the PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib import request as urllib_request

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.factories import PASSWORD

from schoolkeep.audit.models import AuditEvent
from schoolkeep.jobs.models import Job
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.people.models import CheckType, PersonKind
from schoolkeep.people.record.exports import (
    record_pdf,
    record_pdf_css,
    record_pdf_html,
    record_xlsx,
    safe_text,
)
from schoolkeep.people.record.rows import RecordFilters, record_iter, record_layout
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.tests.test_record import (
    CERTIFICATE,
    complete_employee,
    done,
    person,
)
from schoolkeep.people.visibility import Level

EXPORT = "/people/record/export/"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # where job files are written


def rows(school, level, **filters):
    layout = record_layout(level)
    found = record_iter(school=school, rule_set=rule_set_for(school),
                        filters=RecordFilters(**filters), sensitive=layout.sensitive)
    return list(found), layout


def xlsx_table(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def reauthenticate(client, user, next_url=""):
    data = {"password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_reauthenticate") + (f"?next={next_url}" if next_url
                                                            else ""), data)


def test_export_url_is_the_one_the_tests_post_to():
    assert reverse("people:record-export") == EXPORT


def test_export_needs_a_recent_reauthentication_then_runs(
        personas, login, django_capture_on_commit_callbacks):
    complete_employee(personas.school, "Ada Complete")
    client = login(personas.siro)
    response = client.post(EXPORT, {"format": "xlsx"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="people.record.exported").exists()
    # Giving the password again resumes the export that was asked for.
    with django_capture_on_commit_callbacks(execute=True):
        response = reauthenticate(client, personas.siro, EXPORT)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    assert job.status == Job.Status.DONE
    event = AuditEvent.objects.get(action="people.record.exported")
    assert event.actor_id == personas.siro.pk and event.school_id == personas.school.pk
    assert event.changes["format"]["after"] == "xlsx"
    assert event.changes["rows"]["after"] == 1
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    table = xlsx_table(b"".join(download.streaming_content))
    assert table[1][0] == "Ada Complete"


def test_export_is_allowed_right_after_reauthentication_and_not_ten_minutes_later(
        personas, login, django_capture_on_commit_callbacks):
    complete_employee(personas.school, "Ada Complete")
    client = login(personas.dsl)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert reauthenticate(client, personas.dsl).status_code == 302
        clock.shift(timedelta(minutes=9))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(EXPORT, {"format": "pdf"})
        assert response["Location"].startswith("/jobs/")
        clock.shift(timedelta(minutes=2))
        response = client.post(EXPORT, {"format": "pdf"})
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Job.objects.count() == 1


@pytest.mark.parametrize("name", ["staff", "business_manager", "governor"])
def test_members_without_the_record_cannot_export(personas, login, name):
    client = login(getattr(personas, name))
    assert client.post(EXPORT, {"format": "xlsx"}).status_code == 403
    assert not Job.objects.exists()


def test_export_refuses_get(personas, login):
    assert login(personas.siro).get(EXPORT).status_code == 405


def test_filters_carry_over_to_the_export(personas, login,
                                          django_capture_on_commit_callbacks):
    school = personas.school
    complete_employee(school, "Ada Complete")
    complete_employee(school, "Cy Missing", lived_or_worked_abroad=True)
    client = login(personas.hr_admin)
    reauthenticate(client, personas.hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXPORT, {"format": "xlsx", "incomplete": "1"})
    job = Job.objects.get()
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    table = xlsx_table(b"".join(download.streaming_content))
    assert [row[0] for row in table[1:]] == ["Cy Missing"]
    assert table[1][-1] == "Checks for time outside the UK"
    event = AuditEvent.objects.get(action="people.record.exported")
    assert event.changes["rows"]["after"] == 1
    assert "with a missing check" in event.changes["filters"]["after"]


def test_trust_admin_exports_checks_without_sensitive_columns(
        personas, login, django_capture_on_commit_callbacks):
    complete_employee(personas.school, "Ada Complete")
    client = login(personas.trust_admin)
    reauthenticate(client, personas.trust_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXPORT, {"format": "xlsx"})
    job = Job.objects.get()
    content = b"".join(client.get(
        reverse("jobs:job-download", args=[job.public_id])).streaming_content)
    table = xlsx_table(content)
    assert "Enhanced DBS" in table[0]
    assert not any("certificate" in str(heading).lower() for heading in table[0])
    assert not any("checked by" in str(heading).lower() for heading in table[0])
    assert CERTIFICATE.encode() not in content
    assert all(CERTIFICATE not in str(value) for row in table for value in row)


def test_sensitive_spreadsheet_has_certificate_and_checker_columns(personas):
    complete_employee(personas.school, "Ada Complete", start_date=date(2019, 9, 1))
    found, layout = rows(personas.school, Level.SENSITIVE)
    table = xlsx_table(record_xlsx(found, layout, school=personas.school,
                                   printed_on=date(2025, 3, 3)))
    header, first = table[0], table[1]
    assert header[:3] == ["Name", "Kind and post", "Start date"]
    assert first[header.index("Enhanced DBS: certificate number")] == CERTIFICATE
    assert first[header.index("Enhanced DBS: checked by")] == "Hattie Checker"
    assert first[header.index("Identity")].date() == date(2024, 9, 2)
    assert first[header.index("Start date")].date() == date(2019, 9, 1)
    assert first[header.index("Prohibition from teaching")] == "Not required"


def test_spreadsheet_cells_cannot_become_formulas(personas):
    school = personas.school
    someone = person(school, '=HYPERLINK("http://evil.example","Click")',
                     job_title="+SUM(1,1)")
    done(someone, CheckType.IDENTITY, checked_by="@cmd")
    person(school, "-2+3", kind=PersonKind.VOLUNTEER)
    found, layout = rows(school, Level.SENSITIVE)
    table = xlsx_table(record_xlsx(found, layout, school=school,
                                   printed_on=date(2025, 3, 3)))
    values = [value for row in table[1:] for value in row if isinstance(value, str)]
    assert "'-2+3" in values
    assert "'=HYPERLINK(\"http://evil.example\",\"Click\")" in values
    assert "'@cmd" in values
    assert any(value.startswith("Employee in a support post: +SUM") for value in values)
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)
    assert safe_text("\tx") == "'\tx" and safe_text("plain") == "plain"


def test_pdf_html_shows_what_the_level_allows(personas):
    school = personas.school
    complete_employee(school, "Ada Complete")
    person(school, "<b>Bold</b> Name", kind=PersonKind.CONTRACTOR)
    for level, sees in ((Level.SENSITIVE, True), (Level.RECORD, False)):
        found, layout = rows(school, level)
        html = record_pdf_html(found, layout, school=school, filters=RecordFilters(),
                               printed_on=date(2025, 3, 3))
        assert "Ada Complete" in html and "2 Sep 2024" in html
        assert (CERTIFICATE in html) is sees
        assert ("Hattie Checker" in html) is sees
        assert "&lt;b&gt;Bold&lt;/b&gt; Name" in html
        assert school.name in html and "Printed 3 March 2025" in html
    css = record_pdf_css()
    assert "size: A4 landscape" in css and "string(school)" in css


def test_pdf_is_produced(personas):
    complete_employee(personas.school, "Ada Complete")
    found, layout = rows(personas.school, Level.SENSITIVE)
    content = record_pdf(found, layout, school=personas.school, filters=RecordFilters(),
                         printed_on=date(2025, 3, 3))
    assert content.startswith(b"%PDF")


def test_pdf_fetches_no_url_but_data(monkeypatch):
    opened = []
    original = urllib_request.OpenerDirector.open

    def spy(self, url, *args, **kwargs):
        address = getattr(url, "full_url", url)
        opened.append(address)
        if not address.startswith("data:"):
            raise OSError("the test caught a fetch")
        return original(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib_request.OpenerDirector, "open", spy)
    pixel = ("data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
    html = ("<p>x</p><img src='http://127.0.0.1:9/x.png'><img src='file:///etc/passwd'>"
            "<link rel=stylesheet href='https://example.invalid/a.css'>"
            f"<img src='{pixel}'>")
    content = pdf_from_html(html, "@import url('http://127.0.0.1:9/b.css');")
    assert content.startswith(b"%PDF")
    assert opened == [pixel]  # only the data: image was read


def test_the_export_service_refuses_more_than_the_actor_may_see(personas):
    from schoolkeep.lib.errors import NotAllowed
    from schoolkeep.people.record.exports import record_export_start

    with pytest.raises(NotAllowed):
        record_export_start(school=personas.school, actor=personas.trust_admin, fmt="xlsx",
                            filters=RecordFilters(), level=Level.SENSITIVE)
    with pytest.raises(NotAllowed):
        record_export_start(school=personas.school, actor=personas.business_manager,
                            fmt="xlsx", filters=RecordFilters(), level=Level.RECORD)
    assert not Job.objects.exists()
