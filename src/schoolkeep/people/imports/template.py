"""The template files (CSV and XLSX) with the exact headings."""

from __future__ import annotations

import csv
import io

from schoolkeep.lib.tabular import UTF8_BOM
from schoolkeep.people.imports.columns import COLUMNS, HEADINGS


def template_csv() -> bytes:
    """The headings as a CSV file (UTF-8 with a BOM, so that Excel reads accents right)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(HEADINGS)
    return UTF8_BOM + text.getvalue().encode("utf-8")


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
    notes = workbook.create_sheet("How to fill in")
    notes.append(["Heading", "What goes in it"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append([column.heading, column.accepts])
    notes.append([])
    notes.append(["", "Only the first sheet is imported. Headings are matched ignoring case "
                      "and surrounding spaces. A blank cell leaves what is recorded as it is. "
                      "See docs/imports.md for matching and errors."])
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
