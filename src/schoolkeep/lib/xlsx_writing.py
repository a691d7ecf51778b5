"""Writing the sheets of write-only XLSX workbooks (openpyxl), as the breach log and the
request log do; ``lib/xlsx_reading.py`` opens the workbooks that imports read. The whole
one-sheet table export of the modules is ``jobs/xlsx.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def header_sheet(workbook: Workbook, title: str, header: Sequence[str], *, width: float = 18,
                 wide: Collection[int] = (), wide_width: float = 40,
                 freeze: str = "B2") -> Any:
    """A new sheet ``title`` of the write-only ``workbook``, its first row ``header`` in
    bold, panes frozen at ``freeze`` and each column ``width`` wide (the columns numbered in
    ``wide``, from 1, ``wide_width``). Rows are then added with ``sheet.append``."""
    sheet = workbook.create_sheet(title)
    for number in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(number)].width = (
            wide_width if number in wide else width)
    sheet.freeze_panes = freeze
    bold = Font(bold=True)
    cells = []
    for heading in header:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet
