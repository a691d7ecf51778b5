# ruff: noqa: E501  (one row per line keeps the table readable)
"""Disposal batches: their pages and /api/v1/disposals.

Reading (the list, a batch, its paperwork, the evidence pack, the export) needs
``equipment.view`` (the SIRO, DPO, business manager, IT lead, auditor and trust
administrator); recording, changing, uploading and matching need ``equipment.manage`` (the
SIRO, business manager and IT lead). Asking for the evidence pack (a POST that starts a job)
needs only ``equipment.view``, as the register's large downloads do. Another school's batch
is a 404 for the outsider (the SIRO of their own school, who sees their own list, form and
export). In the API, not a member of the school: 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.equipment.disposals.services import disposal_create, document_upload
from schoolkeep.equipment.keys import serial_key
from schoolkeep.equipment.models import Item
from tests.personas import Personas

COMPANY = "Matrix Shredders"


def _item(personas: Personas, serial: str) -> Item:
    return Item.objects.create(school=personas.school, kind=Item.Kind.DESKTOP,
                               serial_number=serial, serial_key=serial_key(serial),
                               status=Item.Status.AWAITING_DISPOSAL)


def build(personas: Personas) -> dict[str, Any]:
    item = _item(personas, "MATRIXOLD1")
    _item(personas, "MATRIXNEW1")
    disposal = disposal_create(school=personas.school, actor=personas.siro,
                               company_name=COMPANY,
                               collected_on=timezone.localdate() - timedelta(days=5),
                               items=["MATRIXOLD1"])
    document_upload(disposal=disposal, actor=personas.siro, kind="certificate",
                    uploaded_file=SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n"))
    disposal.refresh_from_db()
    return {"disposal_id": str(disposal.public_id), "disposal_item_id": str(item.public_id),
            "disposal_company_id": str(disposal.company.public_id),
            "disposal_version": disposal.version}


def _disposal(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["disposal_id"]}


def _api_disposal(t: Any) -> dict[str, str]:
    return {"disposal_id": t.extra["disposal_id"]}


URL_ARGUMENTS = {
    "equipment:disposal-detail": _disposal,
    "equipment:disposal-edit": _disposal,
    "equipment:disposal-certificate": _disposal,
    "equipment:disposal-match": _disposal,
    "equipment:disposal-pack": _disposal,
    "equipment:disposal-file": lambda t: {**_disposal(t), "kind": "certificate"},
    "api:disposal-detail": _api_disposal,
    "api:disposal-update": _api_disposal,
}

_DATE = {"collected_on_0": "1", "collected_on_1": "3", "collected_on_2": "2026"}
FORM_BODIES: dict[tuple[str, str], Any] = {
    ("equipment:disposal-create", "POST"): lambda t: {
        **_DATE, "company": t.extra["disposal_company_id"], "items": "MATRIXNEW1"},
    ("equipment:disposal-edit", "POST"): lambda t: {
        **_DATE, "company": t.extra["disposal_company_id"], "notes": "Checked",
        "version": str(t.extra["disposal_version"])},
    ("equipment:disposal-match", "POST"): lambda t: {
        "item": t.extra["disposal_item_id"], "matched": "yes"},
    ("equipment:disposal-certificate", "POST"): lambda t: {"kind": "certificate"},
}

SCHOOL_QUERY = {"api:disposal-list", "api:disposal-create", "api:disposal-detail",
                "api:disposal-update"}
EXTRA_METHODS = {"api:disposal-update": ("PATCH",)}

_CREATE = {"school": "oakfield", "company_name": COMPANY, "collected_on": "2026-03-01",
           "items": ["MATRIXNEW1"]}
API_BODIES = {
    ("api:disposal-create", "POST"): _CREATE,
    ("api:disposal-list", "POST"): _CREATE,
    ("api:disposal-update", "PATCH"): {"version": 2, "notes": "Checked"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("equipment:disposal-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("equipment:disposal-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:disposal-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("equipment:disposal-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 200",
    ("equipment:disposal-export", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("equipment:disposal-export", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:disposal-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("equipment:disposal-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:disposal-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:disposal-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("equipment:disposal-certificate", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:disposal-certificate", "POST"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:disposal-match", "GET"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("equipment:disposal-match", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("equipment:disposal-file", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("equipment:disposal-file", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:disposal-pack", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("equipment:disposal-pack", "POST"): "302 302 302 403 302 302 403 403 403 403 403 302 302 404",
    ("api:disposal-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:disposal-list", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:disposal-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:disposal-create", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:disposal-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:disposal-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:disposal-update", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:disposal-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:disposal-update", "PATCH"): "401 200 403 403 200 200 403 403 403 403 403 403 403 404",
}
