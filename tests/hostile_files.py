"""Hostile import files written by hand, for the tests of the imports' bounds.

An XLSX workbook is a zip of XML parts; writing the parts ourselves lets one shared string be
referenced by every cell (the amplification an outside review used: 12 KB on disk, one
10-million-character string read once and then copied for every cell) and lets a cell hold an
inline string (which Excel does not write, but other tools do). Long strings are written in
chunks, so building a file never holds its longest string whole. CSV files (``write_csv``) are
written a line at a time.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


class Repeat:
    """A long text, written as ``text`` repeated ``times`` (never built whole)."""

    def __init__(self, text: str, times: int) -> None:
        self.text, self.times = text, times

    def __len__(self) -> int:
        return len(self.text) * self.times


# A cell: ("s", index of a shared string), ("n", a number), ("inline", a text or Repeat).
Cell = tuple[str, object]


def _column(position: int) -> str:
    letters = ""
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _write_text(handle: object, text: str | Repeat) -> None:
    write = handle.write  # type: ignore[attr-defined]
    if isinstance(text, Repeat):
        per_chunk = max(1, 65536 // max(1, len(text.text)))
        chunk = escape(text.text * per_chunk).encode()
        whole, rest = divmod(text.times, per_chunk)
        for _ in range(whole):
            write(chunk)
        write(escape(text.text * rest).encode())
    else:
        write(escape(text).encode())


def write_xlsx(path: Path, rows: Iterable[Sequence[Cell | None]],
               shared: Sequence[str | Repeat] = ()) -> Path:
    """A workbook whose first (only) sheet has ``rows``, with the ``shared`` strings."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{TYPES}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
            handle.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
                         f'count="{len(shared)}" uniqueCount="{len(shared)}">'.encode())
            for text in shared:
                handle.write(b"<si><t>")
                _write_text(handle, text)
                handle.write(b"</t></si>")
            handle.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            handle.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
                         "<sheetData>".encode())
            for number, cells in enumerate(rows, start=1):
                handle.write(f'<row r="{number}">'.encode())
                for position, cell in enumerate(cells, start=1):
                    if cell is None:
                        continue
                    kind, value = cell
                    ref = f"{_column(position)}{number}"
                    if kind == "inline":
                        handle.write(f'<c r="{ref}" t="inlineStr"><is><t>'.encode())
                        _write_text(handle, value)  # type: ignore[arg-type]
                        handle.write(b"</t></is></c>")
                    else:
                        handle.write(f'<c r="{ref}" t="{kind}"><v>{value}</v></c>'.encode())
                handle.write(b"</row>")
            handle.write(b"</sheetData></worksheet>")
    return path


def shared_xlsx(path: Path, headings: Sequence[str], rows: int, *, long: str | Repeat,
                columns: Sequence[str]) -> Path:
    """Headings, then ``rows`` rows whose ``columns`` all refer to one shared string
    ``long``; the other columns are blank."""
    shared: list[str | Repeat] = [long, *headings]
    head = [("s", 1 + position) for position in range(len(headings))]
    row = [("s", 0) if heading in columns else None for heading in headings]
    return write_xlsx(path, [head, *([row] * rows)], shared)


def write_csv(path: Path, heading: str, lines: Iterable[str]) -> Path:
    """A UTF-8 text file: ``heading``, then each of ``lines``, one a line (never held whole)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(heading + "\n")
        for line in lines:
            handle.write(line + "\n")
    return path


REPO = Path(__file__).resolve().parents[1]


def environment(data: Path) -> dict[str, str]:
    """A child process's environment: the test settings, ``data`` as its data folder, and
    never the suite's PostgreSQL (each child makes its own SQLite database)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", SCHOOLKEEP_DATA_DIR=str(data),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), str(REPO / "src"),
                                                        env.get("PYTHONPATH")])))
    return env
