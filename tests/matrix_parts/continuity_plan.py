# ruff: noqa: E501  (one row per line keeps the table readable)
"""The recovery plan's pages (continuity, under /continuity/plan/).

Reading the plan and downloading its document need ``continuity.view`` (the SIRO, DPO,
business manager, IT lead, auditor and trust administrator); writing it, its contacts, the
restore order and its tests need ``continuity.manage`` (the SIRO, business manager and IT
lead). The card needs only ``school.view``: every member may open it. The outsider (SIRO of
another school) sees their own school's plan, card and forms; this school's contact is a 404
to them, their school has no plan document (404), and saving their plan with this school's
version (2) is refused as stale on the form (200).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from schoolkeep.continuity.plan.services import contact_create, plan_document_upload
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """The plan with its document (version 2 after the upload) and one contact."""
    school, siro = personas.school, personas.siro
    plan_document_upload(school=school, actor=siro, uploaded_file=SimpleUploadedFile(
        "plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    contact = contact_create(school=school, actor=siro, kind="police", name="Police",
                             phone="101")
    return {"continuity_contact_id": str(contact.public_id)}


def _contact(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["continuity_contact_id"]}


URL_ARGUMENTS = {
    "continuity:contact-edit": _contact,
    "continuity:contact-move": _contact,
    "continuity:contact-remove": _contact,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("continuity:plan-edit", "POST"): lambda t: {"version": "2", "text": "Matrix plan"},
    ("continuity:contact-create", "POST"): lambda t: {"defaults": "yes"},
    ("continuity:contact-edit", "POST"): lambda t: {"version": "1", "kind": "police",
                                                    "name": "Police", "phone": "999"},
    ("continuity:contact-move", "POST"): lambda t: {"direction": "up"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("continuity:plan", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("continuity:plan", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:plan-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:plan-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 200",
    ("continuity:plan-upload", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:plan-upload", "POST"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:plan-document", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("continuity:plan-document", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:contact-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:contact-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("continuity:contact-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("continuity:contact-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:contact-move", "GET"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("continuity:contact-move", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:contact-remove", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("continuity:contact-remove", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:restore-order", "GET"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("continuity:restore-order", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("continuity:plan-test-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:plan-test-create", "POST"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:card", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("continuity:card", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
