"""The inventory's download, as an XLSX workbook or a CSV file: one row per item of the list
as filtered, every fact (``selectors.EXPORT_HEADINGS``), made while the member waits (a
school has hundreds of items, not hundreds of thousands) and recorded in the audit trail
with the number of rows and the filters used. A cell that a spreadsheet would run as a
formula is written as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.equipment.inventory.selectors import EXPORT_HEADINGS, export_rows
from schoolkeep.equipment.models import Item
from schoolkeep.jobs.exports import in_memory
from schoolkeep.lib import downloads
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.tabular import cell_text
from schoolkeep.tenancy.guards import is_user
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import access_list_for_user

ACTION = "equipment.inventory.exported"
ACTION_LABELS = {ACTION: "Equipment inventory exported"}
FORMATS = {"xlsx": downloads.XLSX, "csv": downloads.CSV}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Any) -> Any:
    if isinstance(value, date) or value is None:
        return value
    return safe_text(str(value))


def write_csv(rows: Iterable[list[Any]], handle: BinaryIO) -> int:
    """Headings and rows as CSV (UTF-8 with a byte-order mark, CRLF); returns the rows."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(EXPORT_HEADINGS)
    count = 0
    for row in rows:
        writer.writerow([safe_text(cell_text(value)) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(rows: Iterable[list[Any]], handle: BinaryIO, *, school: School) -> int:
    """Headings and rows as an XLSX workbook written row by row; returns the rows."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = "Equipment inventory"
    workbook.properties.creator = "Schoolkeep"
    sheet = workbook.create_sheet("Equipment")
    sheet.freeze_panes = "A2"
    headings = []
    for heading in EXPORT_HEADINGS:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        headings.append(cell)
    sheet.append(headings)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_cell(value))
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(handle)
    return count


@dataclass(frozen=True)
class MadeFile:
    content: bytes
    content_type: str
    filename: str


def _require_reader(school: School, actor: Any) -> None:
    if not is_user(actor):
        return
    access = next((a for a in access_list_for_user(actor) if a.school.pk == school.pk), None)
    if access is None or not access.can("equipment.view"):
        raise NotAllowed("Only members who may see the equipment can download it.")


def inventory_export(*, school: School, actor: Any, fmt: str, items: QuerySet[Item],
                     filters: Mapping[str, Any] | None = None) -> MadeFile:
    """The inventory (``items``: ``selectors.item_list`` as filtered) as ``fmt`` ("xlsx" or
    "csv"), recorded as exported with its row count and filters."""
    if fmt not in FORMATS:
        raise DomainError("Choose a spreadsheet (XLSX) or a CSV file.", field="format")
    _require_reader(school, actor)
    counted = {"rows": 0}

    def write(handle: BinaryIO) -> None:
        rows = export_rows(items)
        counted["rows"] = (write_xlsx(rows, handle, school=school) if fmt == "xlsx"
                           else write_csv(rows, handle))

    content = in_memory(write)
    today = timezone.localdate()
    with transaction.atomic():
        audit_record(action=ACTION, school=school, actor=actor,
                     target_type="equipment.inventory", target_id=str(school.public_id),
                     target_label=f"Equipment inventory of {school.name}",
                     changes=diff(None, {"format": fmt.upper(), "rows": counted["rows"],
                                         "filters": dict(filters or {})}))
    return MadeFile(content, FORMATS[fmt], f"equipment-{school.slug}-{today.isoformat()}.{fmt}")
