"""The template files (CSV and XLSX) with the exact headings."""

from __future__ import annotations

from schoolkeep.lib.tabular import add_notes_sheet, headings_csv, workbook_bytes
from schoolkeep.people.imports.columns import COLUMNS, HEADINGS


def template_csv() -> bytes:
    return headings_csv(HEADINGS)


def template_xlsx() -> bytes:
    """A workbook whose first sheet has the headings; a second sheet says what goes where."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    people = workbook.active
    assert people is not None
    people.title = "People"
    people.append(HEADINGS)
    people.freeze_panes = "B2"
    for cell in people[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        people.column_dimensions[cell.column_letter].width = max(14, min(32, len(
            str(cell.value)) + 2))
    add_notes_sheet(
        workbook, [(column.heading, column.accepts) for column in COLUMNS], heading_width=40,
        footnote="Only the first sheet is imported. Headings are matched ignoring case and "
                 "surrounding spaces. A blank cell leaves what is recorded as it is. See "
                 "docs/imports.md for matching and errors.")
    return workbook_bytes(workbook)
