"""The breach log: its rows (dates in UK time, decisions, hours to decide, lateness), the counts
per term, formula injection, a constant number of queries, the background job from the page
and the command line."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.exports.log import (
    COUNT_HEADER,
    CSV,
    LOG_HEADER,
    OVERDUE,
    XLSX,
    LogFilters,
    breach_log_file,
)
from schoolkeep.incidents.models import Decision, Incident, Kind, Status
from schoolkeep.incidents.tests.test_exports_ico import decide, make_incident
from schoolkeep.jobs.models import Job
from schoolkeep.tenancy.calendar import TermCalendar

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DESCRIPTION = "A laptop with the class list was left on the 8:12 to Leeds."


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def build_log(personas: Personas) -> dict[str, Incident]:
    school, staff = personas.school, personas.staff
    # Autumn 2025: a breach reported in time, one reported late (its deadline falls after
    # the clocks go back on 26 October), a near miss.
    quick = make_incident(school, staff, title="Email to the wrong parent",
                          aware_at=utc(2025, 10, 6, 9, 0), status=Status.CLOSED,
                          closed_at=utc(2025, 10, 20, 15, 0), likelihood=2, severity=2)
    decide(quick, Decision.Kind.ICO, decided_at=utc(2025, 10, 7, 12, 30),
           told_at=utc(2025, 10, 7, 12, 30), ico_reference="IC-1", by="Dee Decider")
    decide(quick, Decision.Kind.PEOPLE, tell=False, decided_at=utc(2025, 10, 7, 13, 0))
    late = make_incident(school, staff, title="Stolen USB stick",
                         aware_at=utc(2025, 10, 24, 9, 0), status=Status.OPEN)
    decide(late, Decision.Kind.ICO, decided_at=utc(2025, 10, 27, 17, 0),
           told_at=utc(2025, 10, 27, 17, 0), late_reason="Waiting for the supplier")
    near = make_incident(school, staff, title="Fax nearly sent", kind=Kind.NEAR_MISS,
                         aware_at=utc(2025, 11, 3, 10, 0))
    # Spring 2026: a breach not reported (unlikely risk), a security incident, a report still
    # waiting for triage whose deadline has passed.
    kept = make_incident(school, staff, title="Register left on a desk",
                         aware_at=utc(2026, 2, 10, 10, 0), likelihood=1, severity=1)
    decide(kept, Decision.Kind.ICO, tell=False, decided_at=utc(2026, 2, 10, 15, 0))
    security = make_incident(school, staff, title="Phishing e-mail blocked",
                             kind=Kind.SECURITY, aware_at=utc(2026, 2, 11, 10, 0))
    waiting = make_incident(school, staff, title="Unknown", kind="",
                            aware_at=utc(2026, 3, 1, 10, 0))
    return {"quick": quick, "late": late, "near": near, "kept": kept, "security": security,
            "waiting": waiting}


def csv_tables(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["breach-log.csv", "counts-per-term.csv"]
        return {name: list(csv.DictReader(io.StringIO(
            archive.read(name).decode("utf-8").removeprefix("\ufeff"))))
            for name in archive.namelist()}


def xlsx_sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def test_csv_rows_hold_dates_decisions_and_hours(personas) -> None:
    made = build_log(personas)
    result = breach_log_file(personas.school, CSV, LogFilters(), now=NOW)
    assert result.filename.startswith("breach-log-oakfield-") and result.filename.endswith(".zip")
    tables = csv_tables(result.content)
    assert list(tables["breach-log.csv"][0]) == LOG_HEADER
    rows = {row["Reference"]: row for row in tables["breach-log.csv"]}
    assert [row["Title"] for row in tables["breach-log.csv"]] == [
        "Email to the wrong parent", "Stolen USB stick", "Fax nearly sent",
        "Register left on a desk", "Phishing e-mail blocked", "Unknown"]  # by awareness

    quick = rows[made["quick"].reference]
    assert quick["Kind"] == "Personal data breach" and quick["Status"] == "Closed"
    assert quick["School became aware (UK time)"] == "2025-10-06 10:00"  # BST
    assert quick["ICO deadline (UK time)"] == "2025-10-09 10:00"
    assert quick["Reported to the ICO"] == "Yes"
    assert quick["ICO decision made (UK time)"] == "2025-10-07 13:30"
    assert quick["ICO decision by"] == "Dee Decider"
    assert quick["Hours from awareness to ICO decision"] == "27.5"
    assert quick["ICO case reference"] == "IC-1" and quick["Reported late"] == "No"
    assert quick["People affected told"] == "No" and quick["Risk"] == "A risk"
    assert quick["Closed (UK time)"] == "2025-10-20 16:00" and quick["Term"] == "Autumn 2025"

    late = rows[made["late"].reference]
    # 72 elapsed hours from 10:00 BST on 24 October end at 09:00 GMT on 27 October.
    assert late["ICO deadline (UK time)"] == "2025-10-27 09:00"
    assert late["Hours from awareness to ICO decision"] == "80.0"
    assert late["Reported late"] == "Yes"
    assert late["People affected told"] == "Not decided yet"

    near = rows[made["near"].reference]
    assert near["Kind"] == "Near miss" and near["ICO deadline (UK time)"] == ""
    assert near["Reported to the ICO"] == "Not needed: no personal data"
    assert near["Reported late"] == "" and near["People affected told"] == ""

    kept = rows[made["kept"].reference]
    assert kept["Reported to the ICO"] == "No" and kept["Reported late"] == ""
    assert kept["Hours from awareness to ICO decision"] == "5.0"
    assert kept["Risk"] == "Unlikely to be a risk" and kept["Term"] == "Spring 2026"

    waiting = rows[made["waiting"].reference]
    assert waiting["Kind"] == "Not yet triaged"
    assert waiting["Reported to the ICO"] == "Not decided yet"
    assert waiting["Reported late"] == OVERDUE
    assert waiting["Hours from awareness to ICO decision"] == ""


def test_no_narrative_but_the_title(personas) -> None:
    build_log(personas)
    for fmt in (CSV, XLSX):
        content = breach_log_file(personas.school, fmt, LogFilters(), now=NOW).content
        text = (str(csv_tables(content)) if fmt == CSV else str(xlsx_sheets(content)))
        assert "Stolen USB stick" in text
        for secret in (DESCRIPTION, "Waiting for the supplier", "Reason for ico",
                       "Staff Person", "staff@oakfield.example"):
            assert secret not in text


def test_counts_per_term_across_two_terms(personas) -> None:
    build_log(personas)
    tables = csv_tables(breach_log_file(personas.school, CSV, LogFilters(), now=NOW).content)
    counts = tables["counts-per-term.csv"]
    assert list(counts[0]) == COUNT_HEADER
    simple = [[row[h] for h in COUNT_HEADER if h not in ("First day", "Last day")]
              for row in counts]
    assert simple == [
        # term, breaches, near misses, security, untriaged, reported to the ICO, late
        ["Autumn 2025", "2", "1", "0", "0", "2", "1"],
        ["Spring 2026", "1", "0", "1", "1", "0", "0"],
        ["All terms", "3", "1", "1", "1", "2", "1"],
    ]
    assert counts[0]["First day"] == "2025-09-03" and counts[1]["Last day"] == "2026-03-27"


def test_xlsx_has_the_log_and_the_counts_on_two_sheets(personas) -> None:
    made = build_log(personas)
    result = breach_log_file(personas.school, XLSX, LogFilters(), now=NOW)
    sheets = xlsx_sheets(result.content)
    assert list(sheets) == ["Breach log", "Counts per term"]
    log = sheets["Breach log"]
    assert log[0] == LOG_HEADER and len(log) == 7
    quick = next(row for row in log if row[0] == made["quick"].reference)
    # UK time, as the heading says: 10:00 BST is 09:00 UTC.
    assert quick[5] == datetime(2025, 10, 6, 10, 0)
    assert quick[11] == 27.5
    counts = sheets["Counts per term"]
    assert counts[1][:1] + counts[1][3:] == ["Autumn 2025", 2, 1, 0, 0, 2, 1]
    assert counts[-1][0] == "All terms"


def test_a_date_range_keeps_only_incidents_the_school_became_aware_of_in_it(personas) -> None:
    build_log(personas)
    filters = LogFilters(date_from=date(2026, 1, 1), date_to=date(2026, 2, 10))
    tables = csv_tables(breach_log_file(personas.school, CSV, filters, now=NOW).content)
    assert [r["Title"] for r in tables["breach-log.csv"]] == ["Register left on a desk"]
    assert [r["Term"] for r in tables["counts-per-term.csv"]] == ["Spring 2026", "All terms"]


def test_another_schools_incidents_are_not_in_the_log(personas) -> None:
    make_incident(personas.other_school, personas.outsider, title="Hillside breach")
    make_incident(personas.school, personas.staff, title="Oakfield breach")
    text = str(csv_tables(breach_log_file(personas.school, CSV, LogFilters()).content))
    assert "Oakfield breach" in text and "Hillside breach" not in text


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3", "@SUM(A1)"])
def test_formula_injection_is_guarded(personas, title) -> None:
    make_incident(personas.school, personas.staff, title=title)
    tables = csv_tables(breach_log_file(personas.school, CSV, LogFilters()).content)
    assert tables["breach-log.csv"][0]["Title"] == "'" + title
    sheets = xlsx_sheets(breach_log_file(personas.school, XLSX, LogFilters()).content)
    assert sheets["Breach log"][1][1] == "'" + title


def queries_for_log(school) -> int:
    with CaptureQueriesContext(connection) as captured:
        breach_log_file(school, XLSX, LogFilters(), now=NOW)
        breach_log_file(school, CSV, LogFilters(), now=NOW)
    return len(captured)


def add_breaches(school, staff, count: int, start: int) -> None:
    for number in range(start, start + count):
        incident = make_incident(school, staff, title=f"Breach {number}",
                                 aware_at=utc(2025, 10, 1, 9, 0) + timedelta(days=number))
        decide(incident, Decision.Kind.ICO, decided_at=incident.aware_at + timedelta(hours=5),
               told_at=incident.aware_at + timedelta(hours=5))
        decide(incident, Decision.Kind.PEOPLE, decided_at=incident.aware_at + timedelta(hours=6),
               told_at=incident.aware_at + timedelta(hours=6), method="Letter")


def test_the_number_of_queries_does_not_grow_with_incidents(personas) -> None:
    school = personas.school
    TermCalendar(school).preload([2024, 2025, 2026])  # the default terms, saved once
    add_breaches(school, personas.staff, 3, 0)
    few = queries_for_log(school)
    add_breaches(school, personas.staff, 37, 3)
    assert Incident.objects.filter(school=school).count() == 40
    assert queries_for_log(school) == few


def test_the_page_starts_a_job_that_makes_the_file(
        personas, login, django_capture_on_commit_callbacks) -> None:
    build_log(personas)
    client = login(personas.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incidents:exports"),
                               {"format": "xlsx", "date_from": "2025-09-01"})
    job = Job.objects.get(kind="incidents.breach_log.export")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.total == 6 and job.created_by == personas.auditor
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    assert download.status_code == 200
    sheets = xlsx_sheets(b"".join(download.streaming_content))
    assert len(sheets["Breach log"]) == 7
    event = AuditEvent.objects.get(action="incidents.breach_log.exported")
    assert event.actor_id == personas.auditor.pk
    assert event.changes == {"format": "xlsx", "rows": 6,
                             "range": "aware from 1 September 2025"}


def test_the_page_shows_errors_and_starts_nothing(personas, login) -> None:
    client = login(personas.dpo)
    response = client.post(reverse("incidents:exports"), {
        "format": "csv", "date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"The end date must be the same as or after the start date." in response.content
    response = client.post(reverse("incidents:exports"), {})
    assert b"Choose a spreadsheet (XLSX) or CSV." in response.content
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="incidents.breach_log.exported").exists()


@pytest.mark.parametrize(("persona", "status"), [
    ("siro", 200), ("dpo", 200), ("auditor", 200), ("staff", 403), ("governor", 403),
    ("trust_admin", 403), ("iao", 403)])
def test_who_opens_the_exports_page(personas, login, persona, status) -> None:
    response = login(personas.users[persona]).get(reverse("incidents:exports"))
    assert response.status_code == status


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("incidents:exports"))
    assert response.status_code == 200
    return len(captured)


def test_the_list_of_breaches_costs_the_same_for_3_and_40(personas, login) -> None:
    client = login(personas.siro)
    add_breaches(personas.school, personas.staff, 3, 0)
    few = page_queries(client)
    response = client.get(reverse("incidents:exports"))
    assert response.content.count(b"/ico-report/pdf/") == 3
    add_breaches(personas.school, personas.staff, 37, 3)
    assert page_queries(client) == few
    response = client.get(reverse("incidents:exports"))
    assert response.content.count(b"/ico-report/docx/") == 25  # one page
    assert b"Page 1 of 2" in response.content


def test_the_command_writes_the_file_and_is_audited(personas, tmp_path) -> None:
    build_log(personas)
    out = tmp_path / "log.zip"
    stdout = io.StringIO()
    call_command("export_breach_log", "--school", "oakfield", "--format", "csv",
                 "--out", str(out), stdout=stdout)
    assert "breach log of 6 incidents (every incident) written to" in stdout.getvalue()
    assert len(csv_tables(out.read_bytes())["breach-log.csv"]) == 6
    event = AuditEvent.objects.get(action="incidents.breach_log.exported")
    assert event.actor_id is None and event.actor_label.startswith("cli:")
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("export_breach_log", "--school", "oakfield", "--out", str(out))
    with pytest.raises(CommandError, match="No school"):
        call_command("export_breach_log", "--school", "nowhere", "--out",
                     str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="end date"):
        call_command("export_breach_log", "--school", "oakfield", "--from", "2026-02-01",
                     "--to", "2026-01-01", "--out", str(tmp_path / "y.xlsx"))
    assert not (tmp_path / "y.xlsx").exists()


def test_the_command_writes_xlsx_by_default(personas, tmp_path, monkeypatch) -> None:
    make_incident(personas.school, personas.staff)
    monkeypatch.chdir(tmp_path)
    call_command("export_breach_log", "--school", "oakfield", stdout=io.StringIO())
    written = list(tmp_path.glob("breach-log-oakfield-*.xlsx"))
    assert len(written) == 1
    assert len(xlsx_sheets(written[0].read_bytes())["Breach log"]) == 2
