"""The request log: its columns and figures (days taken, in time, extensions, pauses, days
waited, outcome, exemptions), the counts per term, the year filter, no names or narrative
in it, requests hidden from the viewer left out, formula injection, the page's form and its
errors, the audit of each download, and a constant number of queries at 3 and 40 requests.

The requests are logged through intake's ``request_log`` (``make_request``); their clock
and response fields are then set as the figures need them, so that the figures tested are
the log's own arithmetic, not the clocks' (tested by the clocks part)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.exports.log import (
    ALL_KINDS,
    ALL_TERMS,
    COUNT_HEADER,
    COUNTS_TITLE,
    CSV,
    LOG_HEADER,
    OVERDUE,
    WAITING,
    WITHDRAWN,
    XLSX,
    LogFilters,
    days_waited,
    request_log_export,
    request_log_file,
    years_with_requests,
)
from schoolkeep.inforequests.models import (
    Exemption,
    Extension,
    Hold,
    Kind,
    Outcome,
    Request,
    ScheduleItem,
    Status,
)
from schoolkeep.tenancy.calendar import TermCalendar, term_label

TODAY = date(2026, 3, 20)
# Names and narrative planted in every field that may hold them: none may reach the log.
PLANTED = ["Pat Parent", "Sam Pupil", "pat@example.com", "Zebediah", "Quillfeather",
           "Marmaduke", "Orrery", "Thistledown", "Candlewick", "Periwinkle"]


def received(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def logged(personas: Personas, day: date, *, kind: str = Kind.SUBJECT_ACCESS,
           **fields: Any) -> Request:
    """A request received on ``day``, then given ``fields`` (its clock, its response)."""
    made = make_request(personas, kind=kind, received_at=received(day),
                        description="Zebediah's records, and the Quillfeather file.",
                        authority_evidence="Marmaduke's letter of authority")
    if fields:
        Request.objects.filter(pk=made.pk).update(**fields)
        made.refresh_from_db()
    return made


def hold(request: Request, asked: date, answered: date | None, *,
         reason: str = Hold.Reason.IDENTITY) -> Hold:
    return Hold.objects.create(request=request, reason=reason, asked_on=asked,
                               answered_on=answered, note="Orrery note")


def item(request: Request, number: int, decision: str, exemption: str = "") -> ScheduleItem:
    return ScheduleItem.objects.create(
        request=request, number=number, source="CPOMS", decision=decision,
        exemption=exemption, description="Thistledown's e-mail",
        redactions="Candlewick's name blacked out")


def build_log(personas: Personas) -> dict[str, Request]:
    # Spring 2026.
    answered = logged(personas, date(2026, 1, 5), clock_starts_on=date(2026, 1, 8),
                      due_on=date(2026, 2, 9), status=Status.ANSWERED,
                      responded_on=date(2026, 2, 2), outcome=Outcome.FULL,
                      response_channel="email")
    hold(answered, date(2026, 1, 6), date(2026, 1, 8))
    late = logged(personas, date(2026, 1, 12), kind=Kind.FOI, subject_name="",
                  clock_starts_on=date(2026, 1, 12), due_on=date(2026, 2, 9),
                  status=Status.ANSWERED, responded_on=date(2026, 2, 12),
                  outcome=Outcome.PARTIAL, late_reason="Periwinkle was away",
                  outcome_reason="Periwinkle's reasons")
    Extension.objects.create(request=late, decided_on=date(2026, 1, 20), amount=10,
                             reason="Periwinkle public interest", told_on=date(2026, 1, 20))
    item(late, 1, ScheduleItem.Decision.DISCLOSED)
    item(late, 2, ScheduleItem.Decision.WITHHELD, Exemption.FOI_S40)
    item(late, 3, ScheduleItem.Decision.REDACTED, Exemption.FOI_S43)
    item(late, 4, ScheduleItem.Decision.WITHHELD, Exemption.FOI_S40)
    overdue = logged(personas, date(2026, 2, 10), clock_starts_on=date(2026, 2, 10),
                     due_on=date(2026, 3, 10))
    Extension.objects.create(request=overdue, decided_on=date(2026, 2, 20), amount=1,
                             reason="Numerous", told_on=None)
    Extension.objects.create(request=overdue, decided_on=date(2026, 2, 21), amount=1,
                             reason="Complex", told_on=None)
    waiting = logged(personas, date(2026, 2, 20), clock_starts_on=date(2026, 2, 20),
                     due_on=date(2026, 3, 19), waiting_since=date(2026, 2, 25))
    hold(waiting, date(2026, 2, 25), None, reason=Hold.Reason.CLARIFICATION)
    complaint = logged(personas, date(2026, 3, 1), kind=Kind.COMPLAINT,
                       clock_starts_on=date(2026, 3, 1), due_on=date(2026, 3, 30),
                       acknowledged_on=date(2026, 3, 5))
    # Autumn 2025.
    withdrawn = logged(personas, date(2025, 11, 3), kind=Kind.ERASURE,
                       clock_starts_on=date(2025, 11, 3), due_on=date(2025, 12, 3),
                       status=Status.WITHDRAWN, withdrawn_on=date(2025, 11, 10))
    return {"answered": answered, "late": late, "overdue": overdue, "waiting": waiting,
            "complaint": complaint, "withdrawn": withdrawn}


def csv_sections(content: bytes) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    blank = rows.index([])
    assert rows[blank + 1] == [COUNTS_TITLE] and rows[blank + 2] == COUNT_HEADER
    assert rows[0] == LOG_HEADER
    log = [dict(zip(LOG_HEADER, row, strict=True)) for row in rows[1:blank]]
    counts = [dict(zip(COUNT_HEADER, row, strict=True)) for row in rows[blank + 3:]]
    return log, counts


def xlsx_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def term_of(personas: Personas, day: date) -> str:
    term = TermCalendar(personas.school).term_for_date(day)
    return term_label(term.name, term.academic_year)


def test_csv_rows_hold_the_figures(personas: Personas) -> None:
    made = build_log(personas)
    result = request_log_file(personas.school, CSV, LogFilters(), today=TODAY)
    assert result.filename == f"request-log-oakfield-all-years-{TODAY.isoformat()}.csv"
    assert result.rows == 6
    log, _ = csv_sections(result.content)
    assert [row["Reference"] for row in log] == [made[key].reference for key in (
        "withdrawn", "answered", "late", "overdue", "waiting", "complaint")]  # by receipt
    rows = {row["Reference"]: row for row in log}

    answered = rows[made["answered"].reference]
    assert answered["Kind"] == "Subject access request" and answered["Channel"] == "E-mail"
    assert answered["Received"] == "2026-01-05" and answered["Clock started"] == "2026-01-08"
    assert answered["Deadline"] == "2026-02-09" and answered["Responded"] == "2026-02-02"
    assert answered["Status"] == "Answered" and answered["Days taken"] == "28"
    assert answered["In time"] == "Yes" and answered["Outcome"] == "Answered in full"
    # Identity asked on 6 January, given on 8 January: three days, both counted.
    assert answered["Pauses"] == "1" and answered["Days waited"] == "3"
    assert answered["Extensions"] == "0" and answered["Extra time"] == ""
    assert answered["Term"] == term_of(personas, date(2026, 1, 5))

    late = rows[made["late"].reference]
    assert late["Kind"] == "Freedom of information request"
    assert late["Days taken"] == "31" and late["In time"] == "No"
    assert late["Extensions"] == "1" and late["Extra time"] == "10 working days"
    assert late["Outcome"] == "Answered in part"
    # Each exemption once, in the schedule's order.
    assert late["Exemptions used"] == ("FOI section 40: personal information; "
                                       "FOI section 43: commercial interests")

    overdue = rows[made["overdue"].reference]
    assert overdue["Status"] == "Open" and overdue["Responded"] == ""
    assert overdue["Days taken"] == "" and overdue["In time"] == OVERDUE
    assert overdue["Extensions"] == "2" and overdue["Extra time"] == "2 months"

    waiting = rows[made["waiting"].reference]
    # Still waiting: its deadline passed yesterday, but the clock waits for the requester;
    # 25 February to 20 March, both counted.
    assert waiting["In time"] == WAITING
    assert waiting["Pauses"] == "1" and waiting["Days waited"] == "24"

    complaint = rows[made["complaint"].reference]
    assert complaint["In time"] == "Yes"  # acknowledged within its 30 days

    withdrawn = rows[made["withdrawn"].reference]
    assert withdrawn["Status"] == "Withdrawn" and withdrawn["In time"] == WITHDRAWN
    assert withdrawn["Term"] == term_of(personas, date(2025, 11, 3))


def test_counts_per_term_by_kind(personas: Personas) -> None:
    build_log(personas)
    _, counts = csv_sections(request_log_file(personas.school, CSV, LogFilters(),
                                              today=TODAY).content)
    autumn, spring = term_of(personas, date(2025, 11, 3)), term_of(personas, date(2026, 1, 5))
    table = {(row["Term"], row["Kind"]): [int(row[h]) for h in COUNT_HEADER[4:]]
             for row in counts}
    #                                                          recv in late overdue open withdrawn
    assert table[(autumn, "Right to have data deleted (erasure)")] == [1, 0, 0, 0, 0, 1]
    assert table[(autumn, ALL_KINDS)] == [1, 0, 0, 0, 0, 1]
    assert table[(spring, "Subject access request")] == [3, 1, 0, 1, 1, 0]
    assert table[(spring, "Freedom of information request")] == [1, 0, 1, 0, 0, 0]
    assert table[(spring, "Complaint about how the school handles personal data")] == [
        1, 1, 0, 0, 0, 0]
    assert table[(spring, ALL_KINDS)] == [5, 2, 1, 1, 1, 0]
    assert table[(ALL_TERMS, ALL_KINDS)] == [6, 2, 1, 1, 1, 1]
    assert [row["Term"] for row in counts][-1] == ALL_TERMS
    assert [row["Term"] for row in counts].index(spring) > [row["Term"] for row in
                                                             counts].index(autumn)


def test_xlsx_has_the_log_and_the_counts_on_two_sheets(personas: Personas) -> None:
    made = build_log(personas)
    result = request_log_file(personas.school, XLSX, LogFilters(year=2026), today=TODAY)
    assert result.filename == f"request-log-oakfield-2026-{TODAY.isoformat()}.xlsx"
    sheets = xlsx_sheets(result.content)
    assert list(sheets) == ["Request log", COUNTS_TITLE]
    log = sheets["Request log"]
    assert log[0] == LOG_HEADER
    assert len(log) == 1 + 5  # 2025's withdrawn request is not in 2026's log
    first = dict(zip(LOG_HEADER, log[1], strict=True))
    assert first["Reference"] == made["answered"].reference
    assert first["Received"].date() == date(2026, 1, 5)  # a real date, not text
    assert first["Days taken"] == 28
    assert sheets[COUNTS_TITLE][0] == COUNT_HEADER
    assert sheets[COUNTS_TITLE][-1][:1] == [ALL_TERMS]


def test_the_year_filter_keeps_the_year_of_receipt(personas: Personas) -> None:
    made = build_log(personas)
    log, counts = csv_sections(request_log_file(personas.school, CSV, LogFilters(year=2025),
                                                today=TODAY).content)
    assert [row["Reference"] for row in log] == [made["withdrawn"].reference]
    assert counts[-1]["Received"] == "1"
    empty, none = csv_sections(request_log_file(personas.school, CSV, LogFilters(year=2024),
                                                today=TODAY).content)
    assert empty == [] and none == []


def test_no_name_or_narrative_reaches_the_log(personas: Personas) -> None:
    build_log(personas)
    text = request_log_file(personas.school, CSV, LogFilters(), today=TODAY
                            ).content.decode("utf-8")
    sheets = xlsx_sheets(request_log_file(personas.school, XLSX, LogFilters(),
                                          today=TODAY).content)
    cells = " ".join(str(value) for rows in sheets.values() for row in rows for value in row)
    for planted in PLANTED:
        assert planted not in text
        assert planted not in cells


def test_the_logs_text_is_never_a_formula(personas: Personas) -> None:
    made = build_log(personas)
    ScheduleItem.objects.filter(request=made["late"]).update(exemption=Exemption.OTHER)
    Request.objects.filter(pk=made["late"].pk).update(reference="=HYPERLINK(1)")
    log, _ = csv_sections(request_log_file(personas.school, CSV, LogFilters(),
                                           today=TODAY).content)
    assert "'=HYPERLINK(1)" in [row["Reference"] for row in log]


def test_requests_hidden_from_the_viewer_are_left_out(personas: Personas,
                                                     login: Any) -> None:
    made = build_log(personas)
    made["late"].hidden_from.add(personas.dpo)
    for_dpo = request_log_export(school=personas.school, actor=personas.dpo, fmt=CSV,
                                 filters=LogFilters(), today=TODAY)
    for_siro = request_log_export(school=personas.school, actor=personas.siro, fmt=CSV,
                                  filters=LogFilters(), today=TODAY)
    assert (for_dpo.rows, for_siro.rows) == (5, 6)
    assert made["late"].reference.encode() not in for_dpo.content
    assert made["late"].reference.encode() in for_siro.content
    page = login(personas.dpo).get(reverse("requests:export-list")).content.decode()
    assert made["answered"].reference in page and made["late"].reference not in page


def test_download_from_the_page_is_audited(personas: Personas, login: Any) -> None:
    made = build_log(personas)
    client = login(personas.auditor)
    page = client.get(reverse("requests:export-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert made["answered"].reference in html
    assert 'name="year"' in html and '<option value="2025">2025</option>' in html
    assert "letter for RQ-" not in html  # the auditor reads; letters are the handlers'
    response = client.get(reverse("requests:export-log"), {"format": "csv", "year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    log, _ = csv_sections(response.content)
    assert len(log) == 5
    event = AuditEvent.objects.get(action="requests.log.exported")
    assert event.target_label == f"Request log of {personas.school.name}"
    assert event.changes == {"format": "csv", "rows": 5, "years": "received in 2026"}


def test_a_bare_link_downloads_the_spreadsheet(personas: Personas, login: Any) -> None:
    build_log(personas)
    response = login(personas.dpo).get(reverse("requests:export-log"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"format": "pdf"}, "format", "Choose a spreadsheet (XLSX) or CSV."),
    ({"format": "csv", "year": "1999"}, "year", "Choose one of the years listed."),
])
def test_bad_choices_name_the_field(personas: Personas, login: Any, query: dict[str, str],
                                    field: str, message: str) -> None:
    build_log(personas)
    response = login(personas.dpo).get(reverse("requests:export-log"), query)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="requests.log.exported").exists()


def many(personas: Personas, count: int) -> None:
    """``count`` requests, each with a pause, an extension and an exempt item."""
    for number in range(count):
        made = logged(personas, date(2026, 1, 5 + number % 20),
                      clock_starts_on=date(2026, 1, 5), due_on=date(2026, 2, 5))
        hold(made, date(2026, 1, 6), date(2026, 1, 7))
        Extension.objects.create(request=made, decided_on=date(2026, 1, 9), amount=1,
                                 reason="Complex")
        item(made, 1, ScheduleItem.Decision.WITHHELD, Exemption.THIRD_PARTY)


@pytest.mark.parametrize("count", [3, 40])
def test_the_export_reads_a_constant_number_of_queries(
        personas: Personas, login: Any, django_assert_num_queries: Any, count: int) -> None:
    many(personas, count)
    client = login(personas.dpo)
    url = reverse("requests:export-log")
    client.get(url, {"format": "xlsx"})  # the term calendar's default rows, saved once
    # 19: the export's audit event seals the exporter's name under their audit key, read
    # once per export (one query whatever the number of rows).
    with django_assert_num_queries(19):
        response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert len(csv_sections(response.content)[0]) == count


@pytest.mark.parametrize("count", [3, 40])
def test_the_exports_page_reads_a_constant_number_of_queries(
        personas: Personas, login: Any, django_assert_num_queries: Any, count: int) -> None:
    many(personas, count)
    client = login(personas.dpo)
    with django_assert_num_queries(6):
        response = client.get(reverse("requests:export-list"))
    assert response.status_code == 200
    assert response.content.decode().count("letter for RQ-") == min(count, 25)


# After review ----------------------------------------------------------------------------

def test_overlapping_pauses_are_counted_once() -> None:
    def pause(asked: date, answered: date | None) -> Hold:
        return Hold(asked_on=asked, answered_on=answered)

    # Identity 6-10 January and a fee 8-12 January (overlapping), a clarification asked
    # and answered on 9 January (inside both), another on 20 January: 7 days, then 1.
    holds = [pause(date(2026, 1, 8), date(2026, 1, 12)), pause(date(2026, 1, 6),
                                                                date(2026, 1, 10)),
             pause(date(2026, 1, 9), date(2026, 1, 9)), pause(date(2026, 1, 20),
                                                               date(2026, 1, 20))]
    assert days_waited(holds, TODAY) == 8
    # One ending the day the next starts shares that day; one still open runs to today.
    assert days_waited([pause(date(2026, 3, 1), date(2026, 3, 5)),
                        pause(date(2026, 3, 5), None)], TODAY) == 20
    assert days_waited([], TODAY) == 0


def test_the_log_counts_overlapping_pauses_once(personas: Personas) -> None:
    made = logged(personas, date(2026, 1, 5), clock_starts_on=date(2026, 1, 12),
                  due_on=date(2026, 2, 12))
    hold(made, date(2026, 1, 6), date(2026, 1, 10))
    hold(made, date(2026, 1, 8), date(2026, 1, 12), reason=Hold.Reason.FEE)
    log, _ = csv_sections(request_log_file(personas.school, CSV, LogFilters(),
                                           today=TODAY).content)
    assert (log[0]["Pauses"], log[0]["Days waited"]) == ("2", "7")  # not 5 + 5


def test_the_log_says_which_deadlines_are_estimated(personas: Personas,
                                                    login: Any) -> None:
    made = build_log(personas)
    Request.objects.update(due_estimated=False)
    Request.objects.filter(pk=made["overdue"].pk).update(due_estimated=True)
    log, _ = csv_sections(request_log_file(personas.school, CSV, LogFilters(),
                                           today=TODAY).content)
    estimated = {row["Reference"]: row["Deadline estimated"] for row in log}
    assert estimated[made["overdue"].reference] == "Yes"
    assert estimated[made["answered"].reference] == "No"
    assert LOG_HEADER.index("Deadline estimated") == LOG_HEADER.index("Deadline") + 1
    sheet = xlsx_sheets(request_log_file(personas.school, XLSX, LogFilters(),
                                         today=TODAY).content)["Request log"]
    assert [dict(zip(LOG_HEADER, row, strict=True))["Deadline estimated"]
            for row in sheet[1:]].count("Yes") == 1
    page = login(personas.dpo).get(reverse("requests:export-list")).content.decode()
    assert page.count("(estimated)") == 1


def test_the_years_listed_are_those_the_filter_uses(personas: Personas,
                                                    login: Any) -> None:
    # Logged in January 2026 with the wrong day, then corrected to 31 December 2025: its
    # reference keeps 2026, but it was received in 2025, and the year filter says so.
    made = logged(personas, date(2026, 1, 2))
    Request.objects.filter(pk=made.pk).update(received_on=date(2025, 12, 31))
    assert made.reference.startswith("RQ-2026-")
    assert years_with_requests(personas.school) == [2025]
    html = login(personas.dpo).get(reverse("requests:export-list")).content.decode()
    assert '<option value="2025">2025</option>' in html
    assert '<option value="2026">' not in html
    log, _ = csv_sections(request_log_file(personas.school, CSV, LogFilters(year=2025),
                                           today=TODAY).content)
    assert [row["Reference"] for row in log] == [made.reference]
    response = login(personas.dpo).get(reverse("requests:export-log"),
                                       {"format": "csv", "year": "2025"})
    assert response.status_code == 200
    assert len(csv_sections(response.content)[0]) == 1


def test_the_log_never_names_safeguarding_serious_harm_or_crime_against_a_request(
        personas: Personas) -> None:
    """Our call: those three are left out of "Exemptions used" (the others are named)."""
    made = logged(personas, date(2026, 1, 5), clock_starts_on=date(2026, 1, 5),
                  due_on=date(2026, 2, 5))
    item(made, 1, ScheduleItem.Decision.WITHHELD, Exemption.SAFEGUARDING)
    item(made, 2, ScheduleItem.Decision.REDACTED, Exemption.SERIOUS_HARM)
    item(made, 3, ScheduleItem.Decision.WITHHELD, Exemption.CRIME)
    item(made, 4, ScheduleItem.Decision.WITHHELD, Exemption.THIRD_PARTY)
    only = logged(personas, date(2026, 1, 6), clock_starts_on=date(2026, 1, 6),
                  due_on=date(2026, 2, 6))
    item(only, 1, ScheduleItem.Decision.WITHHELD, Exemption.SAFEGUARDING)
    content = request_log_file(personas.school, CSV, LogFilters(), today=TODAY).content
    log, _ = csv_sections(content)
    used = {row["Reference"]: row["Exemptions used"] for row in log}
    assert used == {made.reference: "Third-party personal data", only.reference: ""}
    cells = " ".join(str(value) for rows in xlsx_sheets(request_log_file(
        personas.school, XLSX, LogFilters(), today=TODAY).content).values()
        for row in rows for value in row)
    for label in ("Child abuse", "safeguarding", "Serious harm", "Crime"):
        assert label not in content.decode("utf-8")
        assert label not in cells
