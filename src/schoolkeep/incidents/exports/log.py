"""The breach log for governors and inspectors, as XLSX (two sheets) or CSV (two files in
one zip): every incident with its dates, the ICO decision and how long it took, then the
counts per term.

What it holds: every report of the school, whatever triage made of it (personal data
breaches, near misses, security incidents without personal data, and reports still waiting
for triage), so that the log shows the whole picture and nothing is left out by a filter;
the kind column tells them apart. Governors read it: of the narrative it carries the title
only, never the description, the rationales or the reasons, and nobody's name but who made
the ICO decision. Incidents are placed by the moment the school became aware (the legal
clock), both for the optional date range and for the term they count in.

The rows come from one query (the ICO and people-affected decisions joined, one row each at
most), read in chunks, so the work is the same whatever the number of incidents; the job
writes them straight into its private file (CSV into the zip, or openpyxl's write-only
workbook), so its memory does not grow with the log either.
"""

from __future__ import annotations

import csv
import io
import time as clock
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any, BinaryIO

from django.db import transaction
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from schoolkeep.audit.actors import actor_name
from schoolkeep.audit.services import audit_record
from schoolkeep.incidents.clock import LONDON, effective_risk, ico_deadline, in_london
from schoolkeep.incidents.exports.formats import XLSX_TYPE, ZIP_TYPE
from schoolkeep.incidents.models import Decision, Incident, Kind, Status
from schoolkeep.jobs.exports import OnRow, counted, export_job_run, in_memory
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.xlsx_writing import header_sheet
from schoolkeep.people.record.exports import safe_text
from schoolkeep.tenancy.calendar import TermCalendar, term_label
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

XLSX = "xlsx"
CSV = "csv"
FORMATS = {
    XLSX: ("Spreadsheet (XLSX): the log and the counts per term on two sheets", XLSX_TYPE),
    CSV: ("CSV: the log and the counts per term as two files in one zip", ZIP_TYPE),
}
JOB_KIND = "incidents.breach_log.export"
CHUNK = 500
PROGRESS_EVERY = 100

NOT_TRIAGED = "Not yet triaged"
KIND_LABELS = {"": NOT_TRIAGED, **dict(Kind.choices)}
RISK_LABELS = {"unlikely": "Unlikely to be a risk", "risk": "A risk", "high": "A high risk"}
# The clock runs for these: a breach, or a report whose triage is still to come.
CLOCK_KINDS = ("", Kind.BREACH)

LOG_HEADER = [
    "Reference", "Title", "Kind", "Status", "Received (UK time)",
    "School became aware (UK time)", "ICO deadline (UK time)", "Risk", "Reported to the ICO",
    "ICO decision made (UK time)", "ICO decision by", "Hours from awareness to ICO decision",
    "Reported to the ICO on (UK time)", "ICO case reference", "Reported late",
    "People affected told", "Closed (UK time)", "Term",
]
COUNT_HEADER = [
    "Term", "First day", "Last day", "Personal data breaches", "Near misses",
    "Security incidents without personal data", "Not yet triaged", "Reported to the ICO",
    "Reported to the ICO late",
]
COUNT_KEYS: dict[str, str] = {Kind.BREACH: "breach", Kind.NEAR_MISS: "near_miss",
                              Kind.SECURITY: "security"}
LATE = "Yes"
OVERDUE = "No decision yet: the deadline has passed"


@dataclass(frozen=True)
class LogFilters:
    """The optional range of dates (UK) on which the school became aware."""

    date_from: date | None = None
    date_to: date | None = None

    def as_params(self) -> dict[str, str]:
        return {"date_from": self.date_from.isoformat() if self.date_from else "",
                "date_to": self.date_to.isoformat() if self.date_to else ""}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LogFilters:
        def day(name: str) -> date | None:
            value = params.get(name) or ""
            if isinstance(value, date):
                return value
            try:
                return date.fromisoformat(str(value)) if value else None
            except ValueError:
                raise DomainError("Give the date as YYYY-MM-DD, such as 2026-01-31.",
                                  field=name) from None

        found = cls(date_from=day("date_from"), date_to=day("date_to"))
        if found.date_from and found.date_to and found.date_to < found.date_from:
            raise DomainError("The end date must be the same as or after the start date.",
                              field="date_to")
        return found

    @property
    def description(self) -> str:
        def text(day: date) -> str:
            return f"{day.day} {day:%B %Y}"

        if self.date_from and self.date_to:
            return f"aware from {text(self.date_from)} to {text(self.date_to)}"
        if self.date_from:
            return f"aware from {text(self.date_from)}"
        if self.date_to:
            return f"aware up to {text(self.date_to)}"
        return "every incident"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def log_queryset(school: School, filters: LogFilters) -> QuerySet[Incident]:
    """The incidents of the log with their ICO and people-affected decisions joined (each
    at most one row: one decision of each kind per incident), oldest awareness first."""
    found = Incident.objects.filter(school=school)
    if filters.date_from:
        found = found.filter(aware_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        found = found.filter(aware_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return (
        found.annotate(
            ico=FilteredRelation("decisions", condition=Q(decisions__kind=Decision.Kind.ICO)),
            told=FilteredRelation("decisions",
                                  condition=Q(decisions__kind=Decision.Kind.PEOPLE)),
        ).annotate(
            ico_tell=F("ico__tell"), ico_decided_at=F("ico__decided_at"),
            ico_by=F("ico__decided_by_label"), ico_told_at=F("ico__told_at"),
            ico_case=F("ico__ico_reference"), people_tell=F("told__tell"),
        )
        # Only the columns the log shows: the other narratives are never decrypted.
        .only("reference", "title", "kind", "status", "received_at", "aware_at", "closed_at",
              "likelihood", "severity", "risk_override", "reference_year",
              "reference_number", "school_id")
        .order_by("aware_at", "reference_year", "reference_number")
    )


@dataclass(frozen=True)
class LogRow:
    reference: str
    title: str
    kind: str
    status: str
    received_at: datetime
    aware_at: datetime
    deadline: datetime | None
    risk: str
    reported: str
    ico_decided_at: datetime | None
    ico_by: str
    hours_to_decide: float | None
    ico_told_at: datetime | None
    ico_case: str
    late: str
    people_told: str
    closed_at: datetime | None
    term: str

    def cells(self) -> list[Any]:
        return [self.reference, self.title, KIND_LABELS.get(self.kind, self.kind), self.status,
                self.received_at, self.aware_at, self.deadline, self.risk, self.reported,
                self.ico_decided_at, self.ico_by, self.hours_to_decide, self.ico_told_at,
                self.ico_case, self.late, self.people_told, self.closed_at, self.term]


def _reported_and_late(incident: Any, deadline: datetime | None, now: datetime) -> tuple[str, str]:
    tell = incident.ico_tell
    if tell is None:
        if deadline is None:
            return "Not needed: no personal data", ""
        return "Not decided yet", OVERDUE if now > deadline else ""
    if not tell:
        return "No", ""
    if deadline is None:
        return "Yes", ""
    told = incident.ico_told_at
    if told is None:
        return "Yes (not yet sent)", LATE if now > deadline else ""
    return "Yes", LATE if told > deadline else "No"


def log_row(incident: Any, *, term: str, now: datetime) -> LogRow:
    deadline = ico_deadline(incident.aware_at) if incident.kind in CLOCK_KINDS else None
    reported, late = _reported_and_late(incident, deadline, now)
    decided = incident.ico_decided_at
    hours = (round((decided - incident.aware_at).total_seconds() / 3600, 1)
             if decided is not None else None)
    if incident.people_tell is not None:
        people = "Yes" if incident.people_tell else "No"
    else:
        people = "Not decided yet" if incident.kind in CLOCK_KINDS else ""
    return LogRow(
        reference=incident.reference, title=incident.title, kind=incident.kind,
        status=incident.get_status_display(), received_at=incident.received_at,
        aware_at=incident.aware_at, deadline=deadline,
        risk=RISK_LABELS.get(effective_risk(incident), ""), reported=reported,
        ico_decided_at=decided, hours_to_decide=hours,
        ico_by=actor_name(incident.ico_by) if incident.ico_by else "",
        ico_told_at=incident.ico_told_at, ico_case=incident.ico_case or "", late=late,
        people_told=people, closed_at=incident.closed_at if incident.status == Status.CLOSED
        else None, term=term,
    )


@dataclass
class TermCount:
    label: str
    starts_on: date
    ends_on: date
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ["breach", "near_miss", "security", "untriaged", "reported", "late"], 0))

    def add(self, row: LogRow) -> None:
        key = COUNT_KEYS.get(row.kind, "untriaged")
        self.counts[key] += 1
        if row.reported.startswith("Yes") and row.ico_told_at is not None:
            self.counts["reported"] += 1
        if row.late == LATE:
            self.counts["late"] += 1

    def cells(self) -> list[Any]:
        return [self.label, self.starts_on, self.ends_on, *self.counts.values()]


class BreachLog:
    """Reads the log once: the rows (a generator) and, as they pass, the counts per term."""

    def __init__(self, school: School, filters: LogFilters, *, now: datetime | None = None):
        self.school = school
        self.filters = filters
        self.now = now or timezone.now()
        self.terms: dict[str, TermCount] = {}
        self._calendar = TermCalendar(school)

    def _term(self, aware_at: datetime) -> TermCount:
        term = self._calendar.term_for_date(in_london(aware_at).date())
        label = term_label(term.name, term.academic_year)
        if label not in self.terms:
            self.terms[label] = TermCount(label, term.starts_on, term.ends_on)
        return self.terms[label]

    def rows(self) -> Iterator[LogRow]:
        for incident in log_queryset(self.school, self.filters).iterator(chunk_size=CHUNK):
            counter = self._term(incident.aware_at)
            row = log_row(incident, term=counter.label, now=self.now)
            counter.add(row)
            yield row

    def term_counts(self) -> list[TermCount]:
        """Per term in date order, with a total row; read after the rows."""
        counts = sorted(self.terms.values(), key=lambda t: t.starts_on)
        if counts:
            total = TermCount("All terms", counts[0].starts_on, counts[-1].ends_on)
            for key in total.counts:
                total.counts[key] = sum(t.counts[key] for t in counts)
            counts.append(total)
        return counts


# Writing the files ---------------------------------------------------------------------------

def _text_cell(value: Any) -> Any:
    """A value as written to CSV: text guarded against formulas, moments in UK time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return in_london(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    return safe_text(str(value))


def _write_csv(header: Sequence[str], rows: Iterable[list[Any]], handle: IO[bytes]) -> None:
    """Rows as UTF-8 CSV into ``handle``, one at a time (the BOM: spreadsheets read UTF-8)."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(header)
    for cells in rows:
        writer.writerow([_text_cell(value) for value in cells])
    text.flush()
    text.detach()  # the caller's file stays open


def _zip_entry(name: str) -> zipfile.ZipInfo:
    """A compressed file of the zip, dated now, readable by whoever unpacks it."""
    entry = zipfile.ZipInfo(name, date_time=clock.localtime(clock.time())[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry


def write_breach_log_zip(log: BreachLog, handle: BinaryIO, on_row: OnRow = None) -> None:
    """The log and the counts per term as two CSV files in one zip, written into
    ``handle`` as the incidents are read."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(_zip_entry("breach-log.csv"), "w") as entry:
            _write_csv(LOG_HEADER, (row.cells() for row in counted(log.rows(), on_row)), entry)
        with archive.open(_zip_entry("counts-per-term.csv"), "w") as entry:
            _write_csv(COUNT_HEADER, (t.cells() for t in log.term_counts()), entry)


def breach_log_zip(log: BreachLog, on_row: OnRow = None) -> bytes:
    return in_memory(lambda handle: write_breach_log_zip(log, handle, on_row))


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        # Spreadsheets hold no time zones: the UK time, as the heading says.
        cell = WriteOnlyCell(sheet, value=in_london(value).replace(tzinfo=None))
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, (int, float)):
        return value
    # Control characters (typed on the public page, say) make openpyxl refuse the whole file.
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def write_breach_log_xlsx(log: BreachLog, handle: BinaryIO, on_row: OnRow = None) -> None:
    """The log and the counts per term on two sheets, written into ``handle`` (openpyxl's
    write-only mode keeps the rows in a temporary file, not in memory)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Breach log of {safe_text(log.school.name)}"
    workbook.properties.creator = "Schoolkeep"
    sheet = header_sheet(workbook, "Breach log", LOG_HEADER, wide={2})
    for number, row in enumerate(log.rows(), start=1):
        sheet.append([_xlsx_cell(sheet, value) for value in row.cells()])
        if on_row is not None:
            on_row(number)
    counts = header_sheet(workbook, "Counts per term", COUNT_HEADER)
    for term in log.term_counts():
        counts.append([_xlsx_cell(counts, value) for value in term.cells()])
    workbook.save(handle)


def breach_log_xlsx(log: BreachLog, on_row: OnRow = None) -> bytes:
    return in_memory(lambda handle: write_breach_log_xlsx(log, handle, on_row))


WRITERS: dict[str, Callable[[BreachLog, BinaryIO, OnRow], None]] = {
    XLSX: write_breach_log_xlsx, CSV: write_breach_log_zip}


@dataclass(frozen=True)
class LogFile:
    content: bytes
    content_type: str
    filename: str


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise DomainError("Choose a spreadsheet (XLSX) or CSV.", field="format")


def breach_log_filename(school: School, fmt: str, now: datetime) -> str:
    extension = "xlsx" if fmt == XLSX else "zip"
    return f"breach-log-{school.slug}-{in_london(now).date().isoformat()}.{extension}"


def breach_log_file(school: School, fmt: str, filters: LogFilters, *,
                    now: datetime | None = None, on_row: OnRow = None) -> LogFile:
    """The log made in memory (the command line, and tests)."""
    _check_format(fmt)
    log = BreachLog(school, filters, now=now)
    content = in_memory(lambda handle: WRITERS[fmt](log, handle, on_row))
    return LogFile(content, FORMATS[fmt][1], breach_log_filename(school, fmt, log.now))


# Starting and running an export --------------------------------------------------------------

def _audit_export(*, school: School, actor: Any, fmt: str, filters: LogFilters,
                  rows: int) -> None:
    audit_record(action="incidents.breach_log.exported", school=school, actor=actor,
                 target_type="incidents.breach_log", target_id=str(school.public_id),
                 target_label=f"Breach log of {school.name}",
                 changes={"format": fmt, "rows": rows, "range": filters.description})


def breach_log_export_start(*, school: School, actor: Any, fmt: str,
                            filters: LogFilters) -> Job:
    """Record who exported the log (format, range, rows) and start the job that makes it."""
    _check_format(fmt)
    require_permission(school=school, actor=actor, permission="incidents.view",
                       message="You may not export the breach log.")
    from schoolkeep.incidents.exports.tasks import breach_log_export

    rows = log_queryset(school, filters).count()
    with transaction.atomic():
        job = job_create(school=school, actor=actor, kind=JOB_KIND, total=rows,
                         title=f"Breach log export ({fmt.upper()})", permission="incidents.view")
        _audit_export(school=school, actor=actor, fmt=fmt, filters=filters, rows=rows)
        params = filters.as_params()
        transaction.on_commit(
            lambda: breach_log_export.enqueue(str(job.public_id), fmt, params))
    return job


def breach_log_export_run(job_id: str, fmt: str, params: Mapping[str, Any]) -> None:
    """The body of the background task: write the file into the job's private file."""
    job = Job.objects.select_related("school").get(public_id=job_id, kind=JOB_KIND)
    _check_format(fmt)
    now = timezone.now()

    def write(handle: BinaryIO, on_row: OnRow) -> None:
        WRITERS[fmt](BreachLog(job.school, LogFilters.from_params(params), now=now), handle,
                     on_row)

    export_job_run(
        job, write, filename=breach_log_filename(job.school, fmt, now),
        content_type=FORMATS[fmt][1], progress_every=PROGRESS_EVERY,
        ready="Your breach log is ready. The file is removed after a day.",
        failed="The breach log could not be made. Try again, or ask your IT lead to look at "
               "the server's log.")


def breach_log_export_now(*, school: School, actor: Any, fmt: str,
                          filters: LogFilters) -> tuple[LogFile, int]:
    """Make the log at once (the command line) and audit it: (the file, its rows)."""
    require_permission(school=school, actor=actor, permission="incidents.view",
                       message="You may not export the breach log.")
    count = 0

    def counted(done: int) -> None:
        nonlocal count
        count = done

    made = breach_log_file(school, fmt, filters, on_row=counted)
    with transaction.atomic():
        _audit_export(school=school, actor=actor, fmt=fmt, filters=filters, rows=count)
    return made, count

