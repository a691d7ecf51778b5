"""The template files (CSV and XLSX) of an equipment import, with its plain headings."""

from __future__ import annotations

from schoolkeep.equipment.imports.columns import FACTS, HEADINGS
from schoolkeep.lib.tabular import add_notes_sheet, headings_csv, workbook_bytes


def template_csv() -> bytes:
    return headings_csv(HEADINGS)


def template_xlsx() -> bytes:
    """A workbook whose first sheet has the headings; a second sheet says what goes where
    and the other headings each column is known by."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Equipment"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 18
    add_notes_sheet(
        workbook,
        [(fact.heading, f"{fact.accepts}. Also read under: {', '.join(fact.aliases)}.")
         for fact in FACTS],
        heading_width=24,
        footnote="Only the first sheet is read. Each row needs a serial number or an asset "
                 "tag; a recorded item is found by its serial number, then its tag, and "
                 "updated; any other row adds an item. A blank cell leaves what is recorded "
                 "as it is. Other columns (a Snipe-IT export's cost or warranty, say) are "
                 "ignored. See docs/imports.md.")
    return workbook_bytes(workbook)
