"""One sheet of a table as a write-only XLSX workbook, the shape of the modules' exports.

The first row is the headings, in bold; a date stays a date (shown DD/MM/YYYY); with
``numbers`` a whole number stays a number; anything else is text that a spreadsheet never
runs as a formula, with the characters XML cannot hold taken out. Write-only, so a large
table takes the same memory as a small one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from schoolkeep.assets.exports import xml_safe
from schoolkeep.people.record.exports import safe_text


def _cell(sheet: Any, value: Any, *, heading: bool, numbers: bool) -> Any:
    if isinstance(value, date) or (numbers and isinstance(value, int) and not heading):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
        return cell
    cell = WriteOnlyCell(sheet, value=safe_text(xml_safe(str(value or ""))))
    if heading:
        cell.font = Font(bold=True)
    return cell


def write_table_xlsx(rows: Iterable[list[Any]], handle: BinaryIO | Any, *, title: str,
                     sheet_name: str, columns: int, width: int = 22, freeze: str = "B2",
                     numbers: bool = False) -> None:
    """Write ``rows`` (headings first) as the one sheet ``sheet_name`` of a workbook titled
    ``title``; ``columns`` columns are ``width`` wide; panes frozen at ``freeze``."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = xml_safe(title)
    workbook.properties.creator = "Schoolkeep"
    sheet = workbook.create_sheet(sheet_name)
    for number in range(1, columns + 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = freeze
    for number, row in enumerate(rows):
        sheet.append([_cell(sheet, value, heading=number == 0, numbers=numbers)
                      for value in row])
    workbook.save(handle)
