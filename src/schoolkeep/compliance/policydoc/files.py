"""The policy document as files: Word (python-docx) and PDF (WeasyPrint, through
``lib.pdf``), both from one ``PolicyDocument`` so that they say the same.

Appendix 1 is the information asset register's own Word appendix
(``assets.exports.write_appendix_docx``: the policy's layout, its heading row repeated on each
page, each group a bold row across the table), made whole and moved into the policy's last
section, landscape as in the register's download. The PDF's appendix is the same groups
and rows (``assets.selectors.appendix_rows``) in an HTML table under the same headings.
"""

from __future__ import annotations

import io
from copy import deepcopy
from datetime import date
from typing import BinaryIO

from django.template.loader import render_to_string
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Pt

from schoolkeep.assets import exports
from schoolkeep.compliance.policydoc.document import PolicyDocument, Table, policy_document
from schoolkeep.jobs.exports import in_memory
from schoolkeep.lib.downloads import DOCX, PDF
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.tenancy.models import School

FORMATS = {"docx": DOCX, "pdf": PDF}
FORMAT_LABELS = {"docx": "Word document", "pdf": "PDF"}


def filename(school: School, fmt: str, today: date) -> str:
    return exports.filename(school, "online-security-policy", fmt, today)


def _safe(words: str) -> str:
    return exports.xml_safe(words)


def _bold(cell: object, words: str) -> None:
    run = cell.paragraphs[0].add_run(_safe(words))  # type: ignore[attr-defined]
    run.bold = True


def _table(document: DocumentType, table: Table) -> None:
    if not table.rows:
        document.add_paragraph(_safe(table.empty))
        return
    grid = document.add_table(rows=1, cols=len(table.headings))
    grid.style = "Table Grid"
    for cell, heading in zip(grid.rows[0].cells, table.headings, strict=True):
        _bold(cell, heading)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, words in zip(cells, row, strict=True):
            cell.text = _safe(words)


def _appendix(document: DocumentType, doc: PolicyDocument) -> None:
    """The register's own Word appendix, moved into a new landscape section at the end."""
    made = exports.appendix_docx(doc.appendix, school=doc.school, printed_on=doc.made_on)
    appendix = Document(io.BytesIO(made))
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    if section.page_width is not None and section.page_height is not None and \
            section.page_width < section.page_height:
        section.page_width, section.page_height = section.page_height, section.page_width
    body = document.element.body
    end = body.sectPr  # the last section's properties stay last
    for element in list(appendix.element.body):
        if element.tag.endswith("}sectPr"):
            continue
        end.addprevious(deepcopy(element))


def write_docx(doc: PolicyDocument, handle: BinaryIO) -> None:
    document = Document()
    document.core_properties.title = _safe(f"{doc.title}, {doc.school.name}")
    document.core_properties.author = "Schoolkeep"
    document.styles["Normal"].font.size = Pt(11)
    header = document.add_table(rows=0, cols=2)
    header.style = "Table Grid"
    for label, value in doc.header:
        cells = header.add_row().cells
        _bold(cells[0], label)
        cells[1].text = _safe(value)
    document.add_heading(_safe(doc.title), level=0)
    for section in doc.sections:
        document.add_heading(_safe(section.heading), level=1)
        for part in section.parts:
            if part.table is not None:
                _table(document, part.table)
                continue
            style = "List Bullet" if part.kind == "bullets" else None
            for line in part.lines:
                document.add_paragraph(_safe(line.text), style=style)
    _appendix(document, doc)
    document.save(handle)


def pdf_bytes(doc: PolicyDocument) -> bytes:
    context = {"doc": doc, "appendix_headings": exports.APPENDIX_HEADINGS[1:],
               "appendix_title": exports.APPENDIX_TITLE}
    return pdf_from_html(render_to_string("compliance/policydoc/document_pdf.html", context),
                         render_to_string("compliance/policydoc/_document.css"))


def write_file(school: School, fmt: str, handle: BinaryIO, today: date, *,
               sending: bool = False) -> None:
    """The school's policy as it stands ``today``, in ``fmt`` ("docx" or "pdf");
    ``sending``: as the version sent today for approval (its own header)."""
    doc = policy_document(school, today=today, sending=sending)
    if fmt == "docx":
        write_docx(doc, handle)
    elif fmt == "pdf":
        handle.write(pdf_bytes(doc))
    else:
        raise ValueError(f"Unknown format {fmt!r}")


def made_bytes(school: School, fmt: str, today: date, *, sending: bool = False) -> bytes:
    return in_memory(lambda handle: write_file(school, fmt, handle, today, sending=sending))
