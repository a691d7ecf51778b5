"""A DPIA as Word (python-docx) and as PDF (WeasyPrint, through ``lib.pdf``), and the
download: checked (``dpias.view``), audited by the DPIA's kind and subject only."""

from __future__ import annotations

import io
import re
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from schoolkeep.audit.services import audit_record
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.downloads import DOCX as DOCX_TYPE
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.lib.uploads import PDF as PDF_TYPE
from schoolkeep.privacy.dpias.exports.document import DpiaDocument, dpia_document
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.tenancy.guards import require_permission

PDF = "pdf"
DOCX = "docx"
FORMATS = {PDF: PDF_TYPE, DOCX: DOCX_TYPE}
ACTION = "dpias.exported"
ACTION_LABELS = {ACTION: "DPIA downloaded (Word or PDF)"}

# Characters XML (and so DOCX) cannot hold: dropped from what is written.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def dpia_docx(document: DpiaDocument) -> bytes:
    made = Document()
    made.core_properties.title = _xml(f"{document.title}: {document.subject}")[:250]
    made.core_properties.author = "Schoolkeep"
    made.styles["Normal"].font.size = Pt(10)
    made.add_heading(document.title, level=1)
    made.add_paragraph(_xml(f"{document.school_name}. {document.subject}"))
    for section in document.sections:
        made.add_heading(section.title, level=2)
        if section.intro:
            made.add_paragraph(section.intro)
        table = made.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for row in section.rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(_xml(row.label)).bold = True
            cells[1].text = _xml(row.value)
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


def dpia_html(document: DpiaDocument) -> str:
    return render_to_string("privacy/dpia_export/dpia.html", {"document": document})


def dpia_pdf(document: DpiaDocument) -> bytes:
    return pdf_from_html(dpia_html(document),
                         render_to_string("privacy/dpia_export/dpia.css"))


def dpia_download(*, dpia: Dpia, actor: Any, fmt: str) -> tuple[bytes, str, str]:
    """The DPIA as a file: (content, content type, file name). Audited: which DPIA, in
    which format (the label is the DPIA's subject, never a person's name)."""
    if fmt not in FORMATS:
        raise DomainError("Choose PDF or Word.", field="format")
    require_permission(school=dpia.school, actor=actor, permission="dpias.view",
                       message="You may not see DPIAs.")
    now = timezone.now()
    document = dpia_document(dpia, today=timezone.localdate(now, LONDON))
    content = dpia_pdf(document) if fmt == PDF else dpia_docx(document)
    with transaction.atomic():
        audit_record(action=ACTION, school=dpia.school, actor=actor, target=dpia,
                     target_label=str(dpia), changes={"format": fmt})
    return content, FORMATS[fmt], f"dpia-{dpia.public_id}.{fmt}"
