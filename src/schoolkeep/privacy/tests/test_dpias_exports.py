"""A DPIA as Word and PDF: the ICO template's seven steps in order, filled from the record
(screening answers, the description, risks with their scores, the DPO's advice, the ICO's
consultation when a high residual risk remains, the sign-off); downloads need
``dpias.view``, are audited without a person's name, and another school's DPIA is a 404."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.privacy.dpias import screening, services
from schoolkeep.privacy.dpias.exports.document import NOT_RECORDED, dpia_document
from schoolkeep.privacy.dpias.exports.files import dpia_docx, dpia_download
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db

STEPS = ["Step 1. Why a DPIA is needed", "Step 2. The processing", "Step 3. Consultation",
         "Step 4. Necessity and proportionality", "Step 5. The risks to people",
         "Step 6. Measures to reduce the risks", "Step 7. Sign-off and outcomes"]


def assessed(school: School, *, residual: tuple[int, int] = (1, 2)) -> Dpia:
    dpia = services.dpia_start(school=school, actor=None, project_name="Reading app")
    yes = {"edpb_sensitive", "edpb_vulnerable"}
    dpia = services.dpia_screen(dpia, actor=None, version=dpia.version, answers={
        q.key: (q.key in yes, "Pupils' reading levels" if q.key in yes else "")
        for q in screening.QUESTIONS})
    dpia = services.dpia_update(dpia, actor=None, version=dpia.version,
                                necessity="Only reading levels are shared.",
                                consultation_views="Parents asked at the open evening.",
                                description={"purpose": "Reading practice at home"})
    services.risk_add(dpia, actor=None, version=dpia.version,
                      description="The supplier reuses the data", likelihood=2, severity=3,
                      measures="A processor agreement forbids it",
                      residual_likelihood=residual[0], residual_severity=residual[1])
    return Dpia.objects.get(pk=dpia.pk)


def test_the_document_follows_the_icos_seven_steps(personas: Personas) -> None:
    document = dpia_document(assessed(personas.school), today=date(2026, 12, 7))
    titles = [section.title for section in document.sections]
    assert titles == ["About this DPIA", *STEPS]
    text = document.text
    assert "A DPIA is required" in text
    assert "Purpose: Reading practice at home" in text
    assert "Only reading levels are shared." in text
    assert "Risk 1: The supplier reuses the data: High (Possible likelihood x Severe " \
           "severity = 6)" in text
    assert "Risk 1: residual risk: Low" in text
    assert "Not required: no high residual risk" in text
    assert f"The DPO's advice: {NOT_RECORDED}" in text


def _labels(document: Any, title: str) -> list[str]:
    [section] = [each for each in document.sections if each.title == title]
    return [row.label for row in section.rows]


def test_the_rows_follow_the_icos_template(personas: Personas) -> None:
    dpia = assessed(personas.school)
    dpia.description = {"purpose": "Reading practice at home", "lawful_basis": "Public task",
                        "categories": "Pupils: reading levels"}
    dpia.processing_notes = "Collected in class, kept by the supplier."
    dpia.signed_off_on, dpia.signed_off_by_label = date(2026, 12, 1), "Sam Siro"
    dpia.review_on = date(2027, 12, 1)
    document = dpia_document(dpia, today=date(2026, 12, 7))
    assert _labels(document, STEPS[1]) == [
        "Nature, scope and context", "Categories of people and of personal data", "Purpose"]
    assert _labels(document, STEPS[3]) == [
        "Lawful basis", "Why the processing is necessary and proportionate"]
    outcomes = _labels(document, STEPS[6])
    asked = ["Signed off by", "Measures approved by", "Residual risks approved by",
             "Consultation responses reviewed by", "Kept under review by", "Next review"]
    assert [label for label in outcomes if label in asked] == asked
    text = document.text
    assert "Measures approved by: Sam Siro (SIRO), at the sign-off on 1 December 2026" in text
    assert "Residual risks approved by: Sam Siro (SIRO)" in text
    assert "Consultation responses reviewed by: Sam Siro (SIRO)" in text
    assert "Kept under review by: The DPO, next on 1 December 2027" in text


def test_no_consultation_sought_says_so(personas: Personas) -> None:
    dpia = assessed(personas.school)
    dpia.consultation_views, dpia.consultation_not_sought_reason = "", "Staff only"
    text = dpia_document(dpia, today=date(2026, 12, 7)).text
    assert "Consultation responses reviewed by: None were sought" in text


def test_a_high_residual_risk_shows_the_icos_response_time(personas: Personas) -> None:
    document = dpia_document(assessed(personas.school, residual=(2, 3)),
                             today=date(2026, 12, 7))
    assert "within 8 weeks" in document.text and "6 weeks" in document.text


def test_the_word_file_holds_the_steps(personas: Personas) -> None:
    content = dpia_docx(dpia_document(assessed(personas.school), today=date(2026, 12, 7)))
    read = Document(io.BytesIO(content))
    headings = [p.text for p in read.paragraphs
                if p.style is not None and str(p.style.name).startswith("Heading 2")]
    assert headings == ["About this DPIA", *STEPS]
    cells = {cell.text for table in read.tables for row in table.rows for cell in row.cells}
    assert "Only reading levels are shared." in cells


def test_the_pdf_is_a_pdf_and_the_download_is_audited(personas: Personas) -> None:
    dpia = assessed(personas.school)
    content, content_type, name = dpia_download(dpia=dpia, actor=personas.dpo, fmt="pdf")
    assert content.startswith(b"%PDF") and content_type == "application/pdf"
    assert name == f"dpia-{dpia.public_id}.pdf"
    event = AuditEvent.objects.get(action="dpias.exported")
    assert event.target_label == "DPIA: Reading app"
    assert event.changes == {"format": "pdf"}


def test_the_download_refuses_a_role_without_view_and_an_unknown_format(
        personas: Personas) -> None:
    dpia = assessed(personas.school)
    with pytest.raises(NotAllowed):
        dpia_download(dpia=dpia, actor=personas.staff, fmt="docx")
    with pytest.raises(DomainError):
        dpia_download(dpia=dpia, actor=personas.dpo, fmt="html")
    assert not AuditEvent.objects.filter(action="dpias.exported").exists()


def test_the_pages_download_and_another_schools_is_404(personas: Personas,
                                                       login: Any) -> None:
    dpia = assessed(personas.school)
    theirs = assessed(personas.other_school)
    browser = login(personas.iao)
    word = browser.get(reverse("dpias:dpia-docx", args=[dpia.public_id]))
    assert word.status_code == 200
    assert word["Content-Disposition"].startswith("attachment")
    assert b"".join(word.streaming_content if word.streaming else [word.content])[:2] == b"PK"
    assert browser.get(reverse("dpias:dpia-pdf", args=[theirs.public_id])).status_code == 404
    assert browser.post(reverse("dpias:dpia-pdf", args=[dpia.public_id])).status_code == 405
    assert login(personas.staff).get(
        reverse("dpias:dpia-pdf", args=[dpia.public_id])).status_code == 403
