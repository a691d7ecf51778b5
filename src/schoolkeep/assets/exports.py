"""The register as files: Appendix 1 as a Word table (DOCX) and as CSV in the policy's own
layout, the full register as XLSX or CSV, and the record of processing activities (UK GDPR
Article 30) as XLSX.

Each file is written row by row into a binary file (``write_*``), so that CSV and XLSX
(openpyxl's write-only mode) take the same memory for 50 assets or 50,000: a large register is
written by a background job straight into its private file (``export_jobs``). A Word document
is built whole in memory by python-docx before it is saved (bench/export_appendix.py measures
it). The functions returning bytes are for small registers, downloaded at once.

A spreadsheet would run a cell that starts with "=", "+", "-" or "@" as a formula: every text
cell that does is written with a leading quote (``people.exports.safe_text``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, BinaryIO

from django.db.models import Prefetch, QuerySet
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Pt
from docx.table import Table, _Cell, _Row
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter

from schoolkeep.assets.models import (
    Article9Condition,
    Asset,
    AssetSettings,
    Classification,
    DataSubject,
    LawfulBasis,
)
from schoolkeep.assets.record_types import in_force_of_link, links_in_force
from schoolkeep.assets.selectors import ACCESS_SEPARATOR, AppendixGroup, appendix_groups
from schoolkeep.jobs.exports import OnRow, counted, in_memory
from schoolkeep.people.record.exports import safe_text
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.legacy import LEGACY_NOTE
from schoolkeep.privacy.schedule.models import AssetRecordType, LegacyRetentionText
from schoolkeep.privacy.schedule.rules import describe_period
from schoolkeep.privacy.suppliers.models import (
    DataLocation,
    Processor,
    ProcessorRole,
    TransferMechanism,
)
from schoolkeep.tenancy.models import School

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

APPENDIX_TITLE = "Appendix 1: Data and information assets"
# The policy's own headings; the first, over the assets, is blank as in the policy.
APPENDIX_HEADINGS = ["", "Information Asset Owner", "Who has access to enter information",
                     "Purpose"]

# Assets read, grouped and written at a time: what bounds the memory of a CSV or XLSX file.
CHUNK = 500

# Characters XML (and so DOCX and XLSX) cannot hold: dropped from what is written.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def cell_text(value: Any) -> str:
    """A value as the text of a CSV cell: safe from formula injection."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def filename(school: School, part: str, extension: str, today: date) -> str:
    return f"{part}-{school.slug}-{today.isoformat()}.{extension}"


def write_csv(rows: Iterable[Sequence[Any]], handle: BinaryIO) -> None:
    """Rows as CSV into ``handle``, one at a time: UTF-8 with a byte-order mark (so that
    Excel reads the accents) and CRLF line ends."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
    text.flush()
    text.detach()  # the caller's file stays open


# ---------------------------------------------------------------------------- Appendix 1


def appendix_stream(assets: Iterable[Asset]) -> Iterator[AppendixGroup]:
    """Appendix 1's groups from assets in its order, ``CHUNK`` assets at a time (the rule
    of ``selectors.appendix_groups``): a group cut by a chunk's end comes out in two parts,
    which the writers put under one heading."""
    source = iter(assets)
    while chunk := list(islice(source, CHUNK)):
        yield from appendix_groups(chunk)


def _same_group(groups: Iterable[AppendixGroup]) -> Iterator[tuple[bool, AppendixGroup]]:
    """Each group, with whether it starts a new heading (False: it goes on the last one)."""
    last = None
    for group in groups:
        yield group.group.pk != last, group
        last = group.group.pk


def appendix_lines(groups: Iterable[AppendixGroup], on_row: OnRow = None,
                   ) -> Iterator[list[str]]:
    """Appendix 1 as rows of four cells: the headings, then each group as a row holding only
    its name in the first cell, followed by its assets."""
    yield list(APPENDIX_HEADINGS)
    done = 0
    for new, group in _same_group(groups):
        if new:
            yield [group.name, "", "", ""]
        for row in group.rows:
            yield [row.name, row.owner, row.access, row.purpose]
            done += 1
            if on_row is not None:
                on_row(done)


def appendix_table(groups: Sequence[AppendixGroup]) -> list[list[str]]:
    return list(appendix_lines(groups))


def write_appendix_csv(groups: Iterable[AppendixGroup], handle: BinaryIO,
                       on_row: OnRow = None) -> None:
    """Appendix 1 as CSV, in the layout the import reads back (a blank first heading, group
    rows with only their first cell filled)."""
    write_csv(appendix_lines(groups, on_row), handle)


def appendix_csv(groups: Sequence[AppendixGroup]) -> bytes:
    return in_memory(lambda handle: write_appendix_csv(groups, handle))


def _repeat_as_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _bold_text(cell: Any, text: str) -> None:
    """Write bold text into a new (empty) cell."""
    run = cell.paragraphs[0].add_run(xml_safe(text))
    run.bold = True


def _row_template(table: Table, *, merged: bool) -> CT_Row:
    """An empty row of the table (its cells merged into one when ``merged``), taken out again:
    each row of the appendix is a copy of it. python-docx's own ``add_row`` and ``merge`` look
    through the whole table at each call, which made a 10,000-asset appendix take minutes."""
    row = table.add_row()
    if merged:
        row.cells[0].merge(row.cells[-1])
    tr = row._tr
    table._tbl.remove(tr)
    return tr


def _add_row(table: Table, template: CT_Row, texts: Sequence[str], *,
             bold: bool = False) -> None:
    tr = deepcopy(template)
    table._tbl.append(tr)
    for tc, text in zip(tr.tc_lst, texts, strict=True):
        cell = _Cell(tc, table)
        if bold:
            _bold_text(cell, text)
        else:
            cell.text = xml_safe(text)


def write_appendix_docx(groups: Iterable[AppendixGroup], handle: BinaryIO, *, school: School,
                        printed_on: date, on_row: OnRow = None) -> None:
    """Appendix 1 as a Word document: one table, landscape, its heading row repeated on every
    page, each group a bold row across the table, then its assets."""
    document = Document()
    document.core_properties.title = f"{APPENDIX_TITLE}, {xml_safe(school.name)}"
    document.core_properties.author = "Schoolkeep"
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(APPENDIX_TITLE, level=1)
    document.add_paragraph(f"{xml_safe(school.name)}, {long_date(printed_on)}")
    table = document.add_table(rows=1, cols=len(APPENDIX_HEADINGS))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, heading in zip(header.cells, APPENDIX_HEADINGS, strict=True):
        _bold_text(cell, heading)
    group_row, asset_row = (_row_template(table, merged=True),
                            _row_template(table, merged=False))
    done = 0
    for new, group in _same_group(groups):
        if new:
            _add_row(table, group_row, [group.name], bold=True)
        for item in group.rows:
            _add_row(table, asset_row, [item.name, item.owner, item.access, item.purpose])
            done += 1
            if on_row is not None:
                on_row(done)
    document.save(handle)


def appendix_docx(groups: Sequence[AppendixGroup], *, school: School, printed_on: date) -> bytes:
    return in_memory(lambda handle: write_appendix_docx(groups, handle, school=school,
                                                         printed_on=printed_on))


# ---------------------------------------------------------------------------- the register


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def owner_kind(asset: Asset) -> str:
    if asset.owner_person_id:
        return "Person"
    if asset.owner_organisation_id:
        return "Outside organisation"
    if asset.owner_unmatched:
        return "Name not yet matched"
    return ""


def subjects_text(asset: Asset) -> str:
    labels = dict(DataSubject.choices)
    return ", ".join(str(labels.get(value, value)) for value in asset.data_subjects or [])


def labels_text(asset: Asset) -> str:
    return ACCESS_SEPARATOR.join(label.label for label in asset.access_labels.all())


def systems_text(asset: Asset) -> str:
    return ", ".join(system.name for system in asset.systems.all())


def _choice(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


# ---------------------------------------------------------------------------- register views
# What the register's old DPIA and retention fields have become (``privacy``): read with
# ``with_register_views`` (two prefetches per chunk, never a query per asset).


def with_register_views(assets: QuerySet[Asset]) -> QuerySet[Asset]:
    """``assets`` with their record types (a prefetch), old retention text (a join) and
    current DPIA (a prefetch)."""
    return assets.select_related("legacy_retention").prefetch_related(
        Prefetch("record_type_links", to_attr="record_types_linked",
                 queryset=links_in_force(AssetRecordType.objects.all())
                 .order_by("record_type__name", "record_type_id")),
        Prefetch("dpias", to_attr="current_dpias",
                 queryset=Dpia.objects.filter(archived_at__isnull=True).order_by("pk")))


def _prefetched(asset: Asset, attribute: str, fallback: Callable[[], list[Any]]) -> list[Any]:
    found = getattr(asset, attribute, None)
    return fallback() if found is None else found


def record_types_text(asset: Asset, *, old_prefix: str = "Written before the schedule: ") -> str:
    """The record types the asset holds, each with its period ("Attendance registers: 6
    years after the record is made"); until one is linked, the text written before the
    schedule."""
    links = _prefetched(asset, "record_types_linked", lambda: list(
        links_in_force(AssetRecordType.objects.filter(asset_id=asset.pk))))
    if links:
        # Each link as the row of its key in force (a school's adjustment, not the period
        # it replaced), each once, by name.
        rows = {row.public_id: row for row in map(in_force_of_link, links)}
        return "; ".join(f"{row.name}: {describe_period(row)}" for row in sorted(
            rows.values(), key=lambda row: (row.name, str(row.public_id))))
    old = legacy_retention_text(asset)
    return f"{old_prefix}{old}" if old else ""


def retention_words(asset: Asset) -> str:
    """How long the asset's records are kept, for a letter: each record type's period, or
    else the text written before the schedule; "" when neither is recorded."""
    return record_types_text(asset, old_prefix="")


def legacy_retention_text(asset: Asset) -> str:
    """The retention text from before the schedule, or "" (no query after
    ``with_register_views``)."""
    try:
        return asset.legacy_retention.text
    except LegacyRetentionText.DoesNotExist:
        return ""


def _dpia(asset: Asset) -> Dpia | None:
    dpias = _prefetched(asset, "current_dpias", lambda: list(
        Dpia.objects.filter(asset_id=asset.pk, archived_at__isnull=True)))
    return dpias[0] if dpias else None


def dpia_text(asset: Asset) -> str:
    dpia = _dpia(asset)
    if dpia is None:
        return "Not screened"
    text = str(DpiaState(dpia.state).label)
    return f"{text} ({LEGACY_NOTE[0].lower()}{LEGACY_NOTE[1:]})" if dpia.legacy else text


def dpia_signed_off_on(asset: Asset) -> date | None:
    dpia = _dpia(asset)
    return dpia.signed_off_on if dpia is not None else None


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Asset], Any]
    wide: bool = False


REGISTER_COLUMNS: list[Column] = [
    Column("Group", lambda a: a.group.name),
    Column("Asset", lambda a: a.name, wide=True),
    Column("Description", lambda a: a.description, wide=True),
    Column("Information Asset Owner", lambda a: a.owner_label),
    Column("Owner is", owner_kind),
    Column("Who has access to enter information", labels_text, wide=True),
    Column("Purpose", lambda a: a.purpose, wide=True),
    Column("Lawful basis (Article 6)", lambda a: _choice(LawfulBasis, a.lawful_basis)),
    Column("Article 9 condition", lambda a: _choice(Article9Condition, a.article9_condition)),
    Column("Categories of data subjects", subjects_text),
    Column("Categories of personal data", lambda a: a.personal_data, wide=True),
    Column("Special category data", lambda a: yes_no(a.special_category_data)),
    Column("Children's data", lambda a: yes_no(a.children_data)),
    Column("Classification", lambda a: _choice(Classification, a.classification)),
    Column("Classification note", lambda a: a.classification_note),
    Column("Systems that hold it", systems_text),
    Column("Held on paper", lambda a: yes_no(a.held_on_paper)),
    Column("Held elsewhere", lambda a: a.held_elsewhere),
    Column("Record types (retention schedule)", lambda a: record_types_text(a), wide=True),
    Column("How it is destroyed", lambda a: a.destruction_method),
    Column("Recipients", lambda a: a.recipients, wide=True),
    Column("Transfers outside the UK", lambda a: a.transfers_outside_uk),
    Column("Safeguards for transfers", lambda a: a.transfer_safeguards),
    Column("Security measures", lambda a: a.security_measures, wide=True),
    Column("DPIA", lambda a: dpia_text(a)),
    Column("DPIA signed off on", lambda a: dpia_signed_off_on(a)),
    Column("Last reviewed on", lambda a: a.last_reviewed_on),
    Column("Next review due on", lambda a: a.next_review_on),
    Column("Reference", lambda a: str(a.public_id)),
]


def register_rows(assets: Iterable[Asset], columns: Sequence[Column] = REGISTER_COLUMNS,
                  ) -> Iterable[list[Any]]:
    yield [column.heading for column in columns]
    for asset in assets:
        yield [column.value(asset) for column in columns]


def write_register_csv(assets: Iterable[Asset], handle: BinaryIO, on_row: OnRow = None) -> None:
    """The full register as CSV: one row per asset, every field."""
    write_csv(register_rows(counted(assets, on_row)), handle)


def register_csv(assets: Iterable[Asset]) -> bytes:
    return in_memory(lambda handle: write_register_csv(assets, handle))


# The workbooks' cell styles, registered once per workbook as named styles: a cell then takes
# its style by name (a copy of a few numbers), where an Alignment or Font object given to each
# cell is looked up in the workbook's tables by value, which took most of a large export's time.
TEXT_STYLE, HEADING_STYLE, DATE_STYLE = "Register text", "Register heading", "Register date"


def _add_styles(workbook: Workbook) -> None:
    wrapped = Alignment(wrap_text=True, vertical="top")
    workbook.add_named_style(NamedStyle(name=TEXT_STYLE, alignment=wrapped))
    workbook.add_named_style(NamedStyle(name=HEADING_STYLE, alignment=wrapped,
                                        font=Font(bold=True)))
    workbook.add_named_style(NamedStyle(name=DATE_STYLE, number_format="DD/MM/YYYY"))


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.style = DATE_STYLE
        return cell
    cell = WriteOnlyCell(sheet, value=safe_text(xml_safe(str(value or ""))))
    cell.style = HEADING_STYLE if bold else TEXT_STYLE
    return cell


def _sheet(workbook: Workbook, title: str, columns: Sequence[Column]) -> Any:
    _add_styles(workbook)
    sheet = workbook.create_sheet(title)
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = 40 if column.wide else 20
    sheet.page_setup.orientation = "landscape"
    return sheet


def write_register_xlsx(assets: Iterable[Asset], handle: BinaryIO, *, school: School,
                        on_row: OnRow = None) -> None:
    """The full register as an XLSX workbook (written row by row), headings frozen."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Information asset register of {xml_safe(school.name)}"
    workbook.properties.creator = "Schoolkeep"
    sheet = _sheet(workbook, "Information assets", REGISTER_COLUMNS)
    sheet.freeze_panes = "C2"
    for number, row in enumerate(register_rows(counted(assets, on_row))):
        sheet.append([_xlsx_cell(sheet, value, bold=number == 0) for value in row])
    workbook.save(handle)


def register_xlsx(assets: Iterable[Asset], *, school: School) -> bytes:
    return in_memory(lambda handle: write_register_xlsx(assets, handle, school=school))


# ---------------------------------------------------------------------------- Article 30


def _personal_data(asset: Asset) -> str:
    parts = [asset.personal_data] if asset.personal_data else []
    if asset.special_category_data:
        parts.append("Includes special category data.")
    if asset.children_data:
        parts.append("Includes children's data.")
    return " ".join(parts)


def _retention(asset: Asset) -> str:
    parts = [record_types_text(asset)]
    if asset.destruction_method:
        parts.append(f"Destroyed by: {asset.destruction_method}")
    return ". ".join(part for part in parts if part)


def _transfers(asset: Asset) -> str:
    parts = [asset.transfers_outside_uk]
    if asset.transfer_safeguards:
        parts.append(f"Safeguards: {asset.transfer_safeguards}")
    return ". ".join(part for part in parts if part)


# The columns Article 30(1) asks for, per asset; the controller and the DPO head the record.
PROCESSING_COLUMNS: list[Column] = [
    Column("Information asset", lambda a: f"{a.group.name}: {a.name}", wide=True),
    Column("Purposes of the processing", lambda a: a.purpose, wide=True),
    Column("Lawful basis (Article 6)", lambda a: _choice(LawfulBasis, a.lawful_basis)),
    Column("Condition for special category data (Article 9)",
           lambda a: _choice(Article9Condition, a.article9_condition)),
    Column("Categories of data subjects", subjects_text),
    Column("Categories of personal data", _personal_data, wide=True),
    Column("Categories of recipients", lambda a: a.recipients, wide=True),
    Column("Transfers outside the UK and their safeguards", _transfers, wide=True),
    Column("Retention (time limits for erasure)", _retention, wide=True),
    Column("Technical and organisational security measures", lambda a: a.security_measures,
           wide=True),
    Column("Information Asset Owner", lambda a: a.owner_label),
]


def processing_head(school: School, settings: AssetSettings,
                    printed_on: date) -> list[tuple[str, str]]:
    """The lines at the head of the record: who the controller is and how to reach the DPO."""
    return [
        ("Record of processing activities (UK GDPR Article 30)", ""),
        ("School", school.name),
        ("Controller", settings.controller_name),
        ("Controller's contact details", settings.controller_contact),
        ("Data protection officer's contact details", settings.dpo_contact),
        ("Made on", long_date(printed_on)),
    ]


def write_processing_record_xlsx(assets: Iterable[Asset], handle: BinaryIO, *, school: School,
                                 settings: AssetSettings, printed_on: date,
                                 on_row: OnRow = None,
                                 processors: Sequence[Processor] = ()) -> None:
    """The Article 30 record as XLSX: the controller's and DPO's details, a blank row, then
    one row per current asset; then a second sheet of the organisations that handle the
    school's data, each with its agreement and transfer mechanism."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Record of processing activities of {xml_safe(school.name)}"
    workbook.properties.creator = "Schoolkeep"
    sheet = _sheet(workbook, "Record of processing", PROCESSING_COLUMNS)
    for label, value in processing_head(school, settings, printed_on):
        sheet.append([_xlsx_cell(sheet, label, bold=True), _xlsx_cell(sheet, value)])
    sheet.append([])
    for number, row in enumerate(register_rows(counted(assets, on_row), PROCESSING_COLUMNS)):
        sheet.append([_xlsx_cell(sheet, value, bold=number == 0) for value in row])
    suppliers = workbook.create_sheet("Processors and controllers")
    for number, column in enumerate(PROCESSOR_COLUMNS, start=1):
        suppliers.column_dimensions[get_column_letter(number)].width = (
            40 if column.wide else 20)
    for number, row in enumerate(processor_rows(processors)):
        suppliers.append([_xlsx_cell(suppliers, value, bold=number == 0) for value in row])
    workbook.save(handle)


def processing_record_xlsx(assets: Iterable[Asset], *, school: School, settings: AssetSettings,
                           printed_on: date, processors: Sequence[Processor] = ()) -> bytes:
    return in_memory(lambda handle: write_processing_record_xlsx(
        assets, handle, school=school, settings=settings, printed_on=printed_on,
        processors=processors))


# The organisations that handle the school's data (``privacy.suppliers``), for Article 30:
# recipients, the agreement (Article 28) and the transfer mechanism (Articles 44-49).
@dataclass(frozen=True)
class ProcessorColumn:
    heading: str
    value: Callable[[Processor], Any]
    wide: bool = False


def _agreement(processor: Processor) -> str:
    if processor.role == ProcessorRole.JOINT_CONTROLLER:
        # Joint controllers set out their responsibilities in an arrangement (Article 26).
        return ("Arrangement (Art 26) on file" if processor.agreement_on_file
                else "Arrangement (Art 26) not on file")
    if processor.role != ProcessorRole.PROCESSOR:
        return "Not needed (a controller)"
    if not processor.agreement_on_file:
        return "No agreement on file"
    parts = ["On file"]
    if processor.agreement_signed_on:
        parts.append(f"signed {long_date(processor.agreement_signed_on)}")
    if processor.agreement_review_on:
        parts.append(f"review due {long_date(processor.agreement_review_on)}")
    return ", ".join(parts)


def _transfer(processor: Processor) -> str:
    location = _choice(DataLocation, processor.data_location) or "Not recorded"
    mechanism = _choice(TransferMechanism, processor.transfer_mechanism)
    if not mechanism and processor.data_location == DataLocation.ELSEWHERE:
        mechanism = "No transfer mechanism recorded"  # a restricted transfer needs one
    return f"{location}: {mechanism}" if mechanism else location


PROCESSOR_COLUMNS: list[ProcessorColumn] = [
    ProcessorColumn("Organisation", lambda p: p.name, wide=True),
    ProcessorColumn("Role", lambda p: _choice(ProcessorRole, p.role)),
    ProcessorColumn("Systems", lambda p: ", ".join(s.name for s in p.systems.all()), wide=True),
    ProcessorColumn("Agreement", _agreement, wide=True),
    ProcessorColumn("Where the data is held and the transfer mechanism", _transfer, wide=True),
]


def processor_rows(processors: Iterable[Processor]) -> Iterator[list[Any]]:
    yield [column.heading for column in PROCESSOR_COLUMNS]
    for processor in processors:
        yield [column.value(processor) for column in PROCESSOR_COLUMNS]
