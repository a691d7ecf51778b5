"""The request log, for governors and the ICO: every request of a school (or of one calendar
year of receipt) with its dates, how long it took, whether it was answered in time, its
extensions and pauses, its outcome and the exemptions used; then the counts per term, by
kind. As XLSX (two sheets) or CSV (one file, the counts as a trailing section).

What it never holds: names (of the requester, the person the request is about, or who
handled it) and narrative (what was asked, reasons, notes). Its columns come from dates,
choices and counts only; the encrypted fields are never even read (``only``). Nor does it
name, against a request, the exemptions whose use would itself reveal something about a
child or an investigation (safeguarding, serious harm, crime: ``exemptions.CONCEALED``):
a governor reading "child abuse data" against one parent's request learns what the letter
to that parent was careful not to say. We chose to leave those out of "Exemptions used"
(the others are still named) rather than show every request's exemptions as a bare count,
because the named ones are what the ICO and governors need to read.

The figures:
- *Days taken*: calendar days from the day of receipt to the day of the response.
- *In time*: answered on or before the deadline (``due_on``, worked out by ``clocks``:
  extensions and pauses already in it). For a complaint, the legal deadline is the
  acknowledgement: in time when acknowledged by it (the rule of the overview's measure
  ``requests.answered-in-time``). An open request is "No" once its deadline has passed,
  unless the clock is waiting for the requester.
- *Deadline estimated*: "Yes" when the deadline rests on estimated term dates (it is
  worked out again when the real dates are entered).
- *Days waited*: the days the school waited for the requester (each pause from asking to
  the answer, both counted, to today while still waiting), pauses that overlap counted once.

Made while the member waits: a school has tens of requests a year, not thousands; one query
for the requests, one each for their pauses, extensions and exemptions, one for the terms.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from schoolkeep.audit.services import audit_record
from schoolkeep.inforequests.exports.exemptions import CONCEALED
from schoolkeep.inforequests.models import (
    PUBLIC_INFORMATION_KINDS,
    RIGHTS_KINDS,
    Channel,
    Exemption,
    Extension,
    Hold,
    Kind,
    Outcome,
    Request,
    ScheduleItem,
    Status,
)
from schoolkeep.lib.downloads import CSV as CSV_TYPE
from schoolkeep.lib.downloads import XLSX as XLSX_TYPE
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.xlsx_writing import header_sheet
from schoolkeep.people.record.exports import safe_text
from schoolkeep.tenancy.calendar import TermCalendar, academic_year_of, term_label
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

XLSX = "xlsx"
CSV = "csv"
FORMATS = {
    XLSX: ("Spreadsheet (XLSX): the log and the counts per term on two sheets", XLSX_TYPE),
    CSV: ("CSV: the log, then the counts per term below it", CSV_TYPE),
}
FIRST_YEAR = 2000

LOG_HEADER = [
    "Reference", "Kind", "Received", "Channel", "Clock started", "Deadline",
    "Deadline estimated", "Status",
    "Responded", "Days taken", "In time", "Extensions", "Extra time", "Pauses",
    "Days waited", "Outcome", "Exemptions used", "Term",
]
COUNT_HEADER = [
    "Term", "First day", "Last day", "Kind", "Received", "Answered in time", "Answered late",
    "Open, deadline passed", "Open, still in time or waiting", "Withdrawn",
]
COUNTS_TITLE = "Counts per term"
ALL_KINDS = "All kinds"
ALL_TERMS = "All terms"

YES = "Yes"
NO = "No"
NOT_YET = "Not answered yet"
WAITING = "Waiting for the requester"
OVERDUE = "No: the deadline has passed"
WITHDRAWN = "Withdrawn"

KIND_LABELS: dict[str, str] = dict(Kind.choices)
CHANNEL_LABELS: dict[str, str] = dict(Channel.choices)
STATUS_LABELS: dict[str, str] = dict(Status.choices)
OUTCOME_LABELS: dict[str, str] = dict(Outcome.choices)
EXEMPTION_LABELS: dict[str, str] = dict(Exemption.choices)

# The columns the log reads: no encrypted field among them.
COLUMNS = ("reference", "reference_year", "reference_number", "kind", "channel",
           "received_on", "clock_starts_on", "due_on", "due_estimated", "waiting_since",
           "status",
           "responded_on", "acknowledged_on", "withdrawn_on", "outcome", "school_id")


@dataclass(frozen=True)
class LogFilters:
    """The calendar year of receipt (``received_on``'s year: usually the reference's,
    "RQ-2026-...", but a receipt date corrected later keeps its reference), or every year
    (``None``)."""

    year: int | None = None

    @classmethod
    def from_text(cls, text: str | None) -> LogFilters:
        value = (text or "").strip()
        if not value:
            return cls()
        # isdigit() alone lets through "²" (which int() refuses) and other scripts' digits.
        if not (value.isascii() and value.isdigit()) or not FIRST_YEAR <= int(value) <= 2100:
            raise DomainError("Give the year as four figures, such as 2026.", field="year")
        return cls(year=int(value))

    @property
    def description(self) -> str:
        return f"received in {self.year}" if self.year else "every year"


def log_queryset(school: School, filters: LogFilters, *,
                 viewer: Any = None) -> QuerySet[Request]:
    """The requests of the log, oldest first, with their pauses, extensions and the
    exemptions of their schedules (each read once for the whole log). ``viewer``: a member
    from whom some requests are hidden (a request about them) does not get those."""
    found = Request.objects.filter(school=school)
    if filters.year:
        found = found.filter(received_on__gte=date(filters.year, 1, 1),
                             received_on__lte=date(filters.year, 12, 31))
    if viewer is not None and getattr(viewer, "pk", None) is not None:
        found = found.exclude(hidden_from=viewer)
    return (
        found.only(*COLUMNS)
        .prefetch_related(
            Prefetch("holds", Hold.objects.only("request_id", "asked_on", "answered_on")
                     .order_by("asked_on", "id")),
            Prefetch("extensions", Extension.objects.only("request_id", "amount")
                     .order_by("decided_on", "id")),
            Prefetch("items", ScheduleItem.objects.exclude(exemption="")
                     .exclude(exemption__in=CONCEALED)
                     .only("request_id", "number", "exemption").order_by("number"),
                     to_attr="exempt_items"),
        )
        .order_by("received_on", "reference_year", "reference_number")
    )


def extra_time(kind: str, months_or_days: int) -> str:
    """"2 months" for the rights, "20 working days" for FOI and EIR ("" for none)."""
    if not months_or_days:
        return ""
    if kind in RIGHTS_KINDS:
        return f"{months_or_days} month{'s' if months_or_days != 1 else ''}"
    if kind in PUBLIC_INFORMATION_KINDS:
        return f"{months_or_days} working day{'s' if months_or_days != 1 else ''}"
    return str(months_or_days)


def days_waited(holds: Iterable[Hold], today: date) -> int:
    """The days covered by a pause (from asking to the answer, today while waiting, both
    counted): pauses that overlap (identity and a fee asked for together) are merged first,
    so that no day is counted twice."""
    spans = sorted((hold.asked_on, hold.answered_on or today) for hold in holds
                   if hold.asked_on <= (hold.answered_on or today))
    total = 0
    current: list[date] | None = None
    for start, end in spans:
        if current is not None and start <= current[1]:
            current[1] = max(current[1], end)
            continue
        if current is not None:
            total += (current[1] - current[0]).days + 1
        current = [start, end]
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total


def in_time(request: Request, today: date) -> str:
    """Yes, No, or why neither yet (see the module's note)."""
    if request.status == Status.WITHDRAWN:
        return WITHDRAWN
    if request.kind == Kind.COMPLAINT:
        met = request.acknowledged_on  # as the overview's measure counts it
    else:
        met = request.responded_on if request.status == Status.ANSWERED else None
    if met is not None:
        return YES if met <= request.due_on else NO
    if request.waiting_since is not None:
        return WAITING
    return OVERDUE if today > request.due_on else NOT_YET


@dataclass(frozen=True)
class LogRow:
    reference: str
    kind: str
    received_on: date
    channel: str
    clock_starts_on: date
    due_on: date
    due_estimated: bool
    status: str
    responded_on: date | None
    days_taken: int | None
    in_time: str
    extensions: int
    extra_time: str
    pauses: int
    days_waited: int
    outcome: str
    exemptions: str
    term: str

    def cells(self) -> list[Any]:
        return [self.reference, KIND_LABELS.get(self.kind, self.kind), self.received_on,
                self.channel, self.clock_starts_on, self.due_on,
                YES if self.due_estimated else NO, self.status,
                self.responded_on, self.days_taken, self.in_time, self.extensions,
                self.extra_time, self.pauses, self.days_waited, self.outcome,
                self.exemptions, self.term]


def log_row(request: Request, *, term: str, today: date) -> LogRow:
    holds = list(request.holds.all())
    extensions = list(request.extensions.all())
    exemptions = list(dict.fromkeys(
        EXEMPTION_LABELS.get(item.exemption, item.exemption)
        for item in getattr(request, "exempt_items", [])))
    responded = request.responded_on if request.status == Status.ANSWERED else None
    return LogRow(
        reference=request.reference, kind=request.kind, received_on=request.received_on,
        channel=CHANNEL_LABELS.get(request.channel, request.channel),
        clock_starts_on=request.clock_starts_on, due_on=request.due_on,
        due_estimated=request.due_estimated,
        status=STATUS_LABELS.get(request.status, request.status), responded_on=responded,
        days_taken=(responded - request.received_on).days if responded else None,
        in_time=in_time(request, today), extensions=len(extensions),
        extra_time=extra_time(request.kind, sum(e.amount for e in extensions)),
        pauses=len(holds), days_waited=days_waited(holds, today),
        outcome=OUTCOME_LABELS.get(request.outcome, request.outcome) if request.outcome else "",
        exemptions="; ".join(exemptions), term=term,
    )


COUNT_KEYS = ("received", "in_time", "late", "overdue", "open", "withdrawn")


@dataclass
class TermCount:
    label: str
    starts_on: date
    ends_on: date
    kind: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))

    def add(self, row: LogRow) -> None:
        self.counts["received"] += 1
        key = {YES: "in_time", NO: "late", OVERDUE: "overdue", WITHDRAWN: "withdrawn"}.get(
            row.in_time, "open")
        self.counts[key] += 1

    def cells(self) -> list[Any]:
        return [self.label, self.starts_on, self.ends_on, self.kind, *self.counts.values()]


class RequestLog:
    """The log read once: its rows and, from them, the counts per term."""

    def __init__(self, school: School, filters: LogFilters, *, viewer: Any = None,
                 today: date | None = None):
        self.school = school
        self.filters = filters
        self.today = today or timezone.localdate()
        requests = list(log_queryset(school, filters, viewer=viewer))
        calendar = TermCalendar(school)
        if requests:
            # Every academic year the log touches, read in one query.
            years = {academic_year_of(r.received_on) for r in requests}
            calendar.preload(range(min(years) - 1, max(years) + 1))
        self.rows: list[LogRow] = []
        self._terms: dict[tuple[str, str], TermCount] = {}
        for request in requests:
            term = calendar.term_for_date(request.received_on)
            label = term_label(term.name, term.academic_year)
            row = log_row(request, term=label, today=self.today)
            self.rows.append(row)
            for kind in (KIND_LABELS.get(request.kind, request.kind), ALL_KINDS):
                counter = self._terms.get((label, kind))
                if counter is None:
                    counter = self._terms[(label, kind)] = TermCount(
                        label, term.starts_on, term.ends_on, kind)
                counter.add(row)

    def term_counts(self) -> list[TermCount]:
        """Per term in date order, each kind received then "All kinds"; then every term."""
        kind_order = {label: number for number, label in enumerate(KIND_LABELS.values())}
        kind_order[ALL_KINDS] = len(kind_order)
        counts = sorted(self._terms.values(),
                        key=lambda t: (t.starts_on, kind_order.get(t.kind, 0)))
        totals = [t for t in counts if t.kind == ALL_KINDS]
        if totals:
            total = TermCount(ALL_TERMS, totals[0].starts_on, totals[-1].ends_on, ALL_KINDS)
            for key in COUNT_KEYS:
                total.counts[key] = sum(t.counts[key] for t in totals)
            counts.append(total)
        return counts


# Writing the files ---------------------------------------------------------------------------

def _text(value: Any) -> Any:
    """Text a spreadsheet shows as it is: never a formula, no control characters."""
    if isinstance(value, str):
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


def request_log_csv(log: RequestLog) -> bytes:
    """The log, a blank line, then the counts per term under their own heading (UTF-8 with
    a byte-order mark, so that spreadsheets read it as UTF-8)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(LOG_HEADER)
    for row in log.rows:
        writer.writerow([_csv_value(value) for value in row.cells()])
    writer.writerow([])
    writer.writerow([COUNTS_TITLE])
    writer.writerow(COUNT_HEADER)
    for term in log.term_counts():
        writer.writerow([_csv_value(value) for value in term.cells()])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return _text(value)


def request_log_xlsx(log: RequestLog) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Request log of {safe_text(log.school.name)}"
    workbook.properties.creator = "Schoolkeep"
    sheet = header_sheet(workbook, "Request log", LOG_HEADER)
    for row in log.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row.cells()])
    counts = header_sheet(workbook, COUNTS_TITLE, COUNT_HEADER)
    for term in log.term_counts():
        counts.append([_xlsx_cell(counts, value) for value in term.cells()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class LogFile:
    content: bytes
    content_type: str
    filename: str
    rows: int


def check_format(fmt: str) -> str:
    value = (fmt or "").strip().lower()
    if value not in FORMATS:
        raise DomainError("Choose a spreadsheet (XLSX) or CSV.", field="format")
    return value


def request_log_filename(school: School, fmt: str, filters: LogFilters, today: date) -> str:
    part = str(filters.year) if filters.year else "all-years"
    return f"request-log-{school.slug}-{part}-{today.isoformat()}.{fmt}"


def request_log_file(school: School, fmt: str, filters: LogFilters, *, viewer: Any = None,
                     today: date | None = None) -> LogFile:
    """The log as a file, made at once (no audit: see ``request_log_export``)."""
    fmt = check_format(fmt)
    log = RequestLog(school, filters, viewer=viewer, today=today)
    content = request_log_xlsx(log) if fmt == XLSX else request_log_csv(log)
    return LogFile(content, FORMATS[fmt][1],
                   request_log_filename(school, fmt, filters, log.today), len(log.rows))


def request_log_export(*, school: School, actor: Any, fmt: str, filters: LogFilters,
                       today: date | None = None) -> LogFile:
    """The log for ``actor`` (the requests hidden from them left out), audited: who
    exported it, in which format, which year and how many requests. The command line (no
    user) gets every request."""
    require_permission(school=school, actor=actor, permission="requests.view",
                       message="You may not export the request log.")
    made = request_log_file(school, fmt, filters, viewer=actor, today=today)
    with transaction.atomic():
        audit_record(action="requests.log.exported", school=school, actor=actor,
                     target_type="inforequests.request_log", target_id=str(school.public_id),
                     target_label=f"Request log of {school.name}",
                     changes={"format": check_format(fmt), "rows": made.rows,
                              "years": filters.description})
    return made


def years_with_requests(school: School, *, viewer: Any = None) -> list[int]:
    """The calendar years of receipt the school has requests in, newest first: the year of
    ``received_on``, the field the filter uses (not the reference's year, which a corrected
    receipt date does not change)."""
    found = Request.objects.filter(school=school)
    if viewer is not None and getattr(viewer, "pk", None) is not None:
        found = found.exclude(hidden_from=viewer)
    return [day.year for day in found.dates("received_on", "year", order="DESC")]
