"""lib.xlsx_writing.header_sheet: a write-only sheet with a bold heading row, frozen panes
and column widths."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from schoolkeep.lib.xlsx_writing import header_sheet


def test_header_sheet_has_bold_headings_frozen_panes_and_widths() -> None:
    workbook = Workbook(write_only=True)
    sheet = header_sheet(workbook, "Log", ["Reference", "What", "When"], wide={2})
    sheet.append(["RQ-2026-0001", "A note", "7 December 2026"])
    header_sheet(workbook, "Counts", ["Term"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue()))
    assert read.sheetnames == ["Log", "Counts"]
    log = read["Log"]
    assert [cell.value for cell in log[1]] == ["Reference", "What", "When"]
    assert all(cell.font.bold for cell in log[1]) and not log["A2"].font.bold
    assert log["A2"].value == "RQ-2026-0001"
    assert log.freeze_panes == "B2"
    assert [log.column_dimensions[c].width for c in "ABC"] == [18, 40, 18]
    assert read["Counts"].column_dimensions["A"].width == 18
