"""The Single Central Record as a spreadsheet (XLSX) and as a PDF, made in the background.

Both show the columns of ``record.RecordLayout`` for the member's level, as the page does.
Starting an export is audited; the file is attached to a job that only its starter can open.
The worker writes the spreadsheet straight into the job's private file while the people are
read in chunks (openpyxl's write-only mode), so its memory does not grow with the record; a
PDF is laid out whole by WeasyPrint before it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.jobs.exports import OnRow, export_job_run, in_memory
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_fail, job_progress
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.people.models import PersonKind
from schoolkeep.people.record.rows import (
    RecordFilters,
    RecordLayout,
    RecordRow,
    flat_value,
    record_count,
    record_iter,
    record_layout,
)
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.visibility import Level, school_level
from schoolkeep.tenancy.models import School, Site
from schoolkeep.tenancy.selectors import access_list_for_user

XLSX = "xlsx"
PDF = "pdf"
FORMATS = {
    XLSX: ("Spreadsheet (XLSX)",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    PDF: ("PDF, A4 landscape", "application/pdf"),
}
JOB_KIND = "people.record.export"
PROGRESS_EVERY = 100
PAPER_A4 = 9  # the spreadsheet's paper size code for A4

# A spreadsheet runs a cell that starts with one of these as a formula (tab and carriage
# return may shift it into one): such cells are prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ACTION_LABELS = {"people.record.exported": "Single Central Record exported"}

# The permission an export's file needs, by the level of the record it shows.
LEVEL_PERMISSIONS = {Level.RECORD: "scr.view", Level.SENSITIVE: "scr.sensitive.view"}


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def filename_for(school: School, fmt: str, today: date, *, archive: bool = False) -> str:
    part = "leavers" if archive else "record"
    return f"single-central-{part}-{school.slug}-{today.isoformat()}.{fmt}"


# The spreadsheet ---------------------------------------------------------------------------

def write_record_xlsx(rows: Iterable[RecordRow], layout: RecordLayout, handle: BinaryIO, *,
                      school: School, printed_on: date, on_row: OnRow = None) -> None:
    """The record as an XLSX workbook written into ``handle``, row by row (openpyxl's
    write-only mode keeps the rows in a temporary file, not in memory)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Single Central Record of {school.name}"
    workbook.properties.creator = "Schoolkeep"
    sheet = workbook.create_sheet("Single Central Record")
    columns = layout.flat_columns()
    for number, column in enumerate(columns, start=1):
        wide = column.key in ("name", "kind_and_post", "missing")
        sheet.column_dimensions[get_column_letter(number)].width = 32 if wide else 16
    sheet.freeze_panes = "B2"
    sheet.oddHeader.left.text = safe_text(school.name).replace("&", "&&")
    sheet.oddHeader.right.text = f"Printed {printed_on:%d/%m/%Y}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_A4
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(column.heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for count, row in enumerate(rows, start=1):
        sheet.append([_xlsx_cell(sheet, flat_value(row, column)) for column in columns])
        if on_row is not None:
            on_row(count)
    workbook.save(handle)


def record_xlsx(rows: Iterable[RecordRow], layout: RecordLayout, *, school: School,
                printed_on: date, on_row: OnRow = None) -> bytes:
    """The same workbook as bytes (small records, and tests)."""
    return in_memory(lambda handle: write_record_xlsx(rows, layout, handle, school=school,
                                                      printed_on=printed_on, on_row=on_row))


def _xlsx_cell(sheet: Any, value: object) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if value is None:
        return None
    return safe_text(str(value))


# The PDF ------------------------------------------------------------------------------------

def record_pdf_html(rows: Iterable[RecordRow], layout: RecordLayout, *, school: School,
                    filters: RecordFilters, printed_on: date) -> str:
    """The HTML that WeasyPrint turns into the PDF (also what tests read)."""
    return render_to_string("people/pdf/record.html", {
        "school": school, "layout": layout, "rows": rows, "filters": filters,
        "printed_on": printed_on,
    })


def record_pdf_css() -> str:
    return render_to_string("people/pdf/record.css")


def record_pdf(rows: Iterable[RecordRow], layout: RecordLayout, *, school: School,
               filters: RecordFilters, printed_on: date) -> bytes:
    html = record_pdf_html(list(rows), layout, school=school, filters=filters,
                           printed_on=printed_on)
    return pdf_from_html(html, record_pdf_css())


# Starting and running an export ------------------------------------------------------------

def filters_from_params(school: School, params: Mapping[str, Any]) -> RecordFilters:
    """Filters from the plain values of ``RecordFilters.as_params``."""
    kind = str(params.get("kind") or "")
    if kind and kind not in PersonKind.values:
        raise DomainError("Choose a kind of person from the list.", field="kind")
    site = None
    if params.get("site"):
        site = Site.objects.filter(school=school, public_id=str(params["site"])).first()
        if site is None:
            raise DomainError("Choose a site from the list.", field="site")
    return RecordFilters(incomplete=bool(params.get("incomplete")), kind=kind, site=site,
                         archive=bool(params.get("archive")))


def _actor_level(school: School, actor: Any) -> Level:
    """What a person acting may see of the school's record (the CLI and system: all)."""
    if not getattr(actor, "is_authenticated", False):
        return Level.SENSITIVE
    access = next((a for a in access_list_for_user(actor) if a.school.pk == school.pk), None)
    return school_level(access)


def record_export_start(*, school: School, actor: Any, fmt: str, filters: RecordFilters,
                        level: Level) -> Job:
    """Record who exported what (format, filters, rows) and start the job that makes it."""
    if fmt not in FORMATS:
        raise DomainError("Choose XLSX or PDF.", field="format")
    if level < Level.RECORD or level > _actor_level(school, actor):
        raise NotAllowed("Only members who may see the record can export it.")
    from schoolkeep.people.record.tasks import record_export

    rule_set = rule_set_for(school)
    rows = record_count(school=school, rule_set=rule_set, filters=filters)
    label, _ = FORMATS[fmt]
    with transaction.atomic():
        job = job_create(
            school=school, actor=actor, kind=JOB_KIND, total=rows,
            title=f"Single Central Record export ({label})",
            # The file holds what the level shows: its maker must still see that much.
            permission=LEVEL_PERMISSIONS[level],
        )
        audit_record(
            action="people.record.exported", school=school, actor=actor,
            target_type="people.record", target_id=str(school.public_id),
            target_label=f"Single Central Record of {school.name}",
            changes=diff(None, {"format": fmt, "rows": rows, "filters": filters.description,
                                "sensitive_fields": level >= Level.SENSITIVE}),
        )
        params = filters.as_params()
        transaction.on_commit(
            lambda: record_export.enqueue(str(job.public_id), fmt, params, int(level))
        )
    return job


FAILED = ("The export could not be made. Try again, or ask your IT lead to look at the "
          "server's log.")


def record_export_run(job_id: str, fmt: str, params: Mapping[str, Any], level: int) -> None:
    """The body of the background task: write the file into the job's private file."""
    job = Job.objects.select_related("school").get(public_id=job_id, kind=JOB_KIND)
    school = job.school
    try:
        filters = filters_from_params(school, params)  # a site removed since: refused
    except DomainError:
        job_fail(job, message=FAILED)
        raise
    layout = record_layout(Level(level), archive=filters.archive)
    rule_set = rule_set_for(school)
    today = timezone.localdate()

    def write(handle: BinaryIO, on_row: OnRow) -> None:
        rows = record_iter(school=school, rule_set=rule_set, filters=filters,
                           sensitive=layout.sensitive, today=today)
        if fmt == XLSX:
            write_record_xlsx(rows, layout, handle, school=school, printed_on=today,
                              on_row=on_row)
        else:
            job_progress(job, done=0, message="Laying out the pages.")
            handle.write(record_pdf(rows, layout, school=school, filters=filters,
                                    printed_on=today))

    export_job_run(job, write, filename=filename_for(school, fmt, today, archive=filters.archive),
                   content_type=FORMATS[fmt][1], progress_every=PROGRESS_EVERY, failed=FAILED,
                   ready="Your export is ready. The file is removed after a day.")
