# ruff: noqa: E501  (one row per line keeps the table readable)
"""The suppliers' pages (privacy/suppliers/urls.py) and /api/v1/processors.

Reading (the list, a supplier's page, its agreement's document) needs ``processors.view``:
the SIRO, DPO, IAO, business manager, IT lead and auditor. The forms (add, change, upload
the agreement, the yearly review, archive) need ``processors.manage``: the SIRO, DPO,
business manager and IT lead. The outsider is the SIRO of another school: their own list and
add form answer as the SIRO's; this school's supplier is a 404 to them. In the API, not a
member of the school: 404.

``build`` records one processor with its agreement uploaded (version 2).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.privacy.suppliers.services import processor_agreement_upload, processor_create
from tests.personas import Personas

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf")


def build(personas: Personas) -> dict[str, Any]:
    processor = processor_create(school=personas.school, actor=None, name="Matrix Hosting Ltd")
    processor = processor_agreement_upload(processor, actor=None, version=1,
                                           uploaded_file=_pdf(),
                                           signed_on=timezone.localdate())
    return {"supplier_id": str(processor.public_id), "supplier_version": processor.version}


def _supplier(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["supplier_id"]}


def _today_parts(name: str) -> dict[str, str]:
    today = timezone.localdate()
    return {f"{name}_0": str(today.day), f"{name}_1": str(today.month),
            f"{name}_2": str(today.year)}


URL_ARGUMENTS = {
    "processors:processor-detail": _supplier,
    "processors:processor-edit": _supplier,
    "processors:processor-agreement": _supplier,
    "processors:processor-agreement-download": _supplier,
    "processors:processor-review": _supplier,
    "processors:processor-archive": _supplier,
    "api:processor-detail": lambda t: {"processor_id": t.extra["supplier_id"]},
    "api:processor-update": lambda t: {"processor_id": t.extra["supplier_id"]},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("processors:processor-add", "POST"): lambda t: {"name": "Matrix New Ltd",
                                                     "role": "processor"},
    ("processors:processor-edit", "POST"): lambda t: {
        "version": str(t.extra["supplier_version"]), "name": "Matrix Hosting Ltd",
        "role": "processor", "data_location": "uk"},
    ("processors:processor-agreement", "POST"): lambda t: {
        "version": str(t.extra["supplier_version"]), "agreement_file": _pdf(),
        **_today_parts("signed_on")},
    ("processors:processor-review", "POST"): lambda t: {
        "version": str(t.extra["supplier_version"]), **_today_parts("reviewed_on")},
    ("processors:processor-archive", "POST"): lambda t: {},
}

SCHOOL_QUERY = {"api:processor-list", "api:processor-create", "api:processor-detail",
                "api:processor-update"}
EXTRA_METHODS: dict[str, tuple[str, ...]] = {"api:processor-update": ("PATCH",)}
_API_NEW = {"school": "oakfield", "name": "Matrix API Ltd", "role": "processor"}
API_BODIES = {
    ("api:processor-list", "POST"): _API_NEW,
    ("api:processor-create", "POST"): _API_NEW,
    ("api:processor-update", "PATCH"): {"version": 2, "security_statement": "Matrix"},
}

#                                                             anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("processors:processor-list", "GET"):                      "302 200 200 200 200 200 403 403 403 403 403 200 403 200",
    ("processors:processor-list", "POST"):                     "302 405 405 405 405 405 403 403 403 403 403 405 403 405",
    ("processors:processor-add", "GET"):                       "302 200 200 403 200 200 403 403 403 403 403 403 403 200",
    ("processors:processor-add", "POST"):                      "302 302 302 403 302 302 403 403 403 403 403 403 403 302",
    ("processors:processor-detail", "GET"):                    "302 200 200 200 200 200 403 403 403 403 403 200 403 404",
    ("processors:processor-detail", "POST"):                   "302 405 405 405 405 405 403 403 403 403 403 405 403 405",
    ("processors:processor-edit", "GET"):                      "302 200 200 403 200 200 403 403 403 403 403 403 403 404",
    ("processors:processor-edit", "POST"):                     "302 302 302 403 302 302 403 403 403 403 403 403 403 404",
    ("processors:processor-agreement", "GET"):                 "302 200 200 403 200 200 403 403 403 403 403 403 403 404",
    ("processors:processor-agreement", "POST"):                "302 302 302 403 302 302 403 403 403 403 403 403 403 404",
    ("processors:processor-agreement-download", "GET"):        "302 200 200 200 200 200 403 403 403 403 403 200 403 404",
    ("processors:processor-agreement-download", "POST"):       "302 405 405 405 405 405 403 403 403 403 403 405 403 405",
    ("processors:processor-review", "GET"):                    "302 200 200 403 200 200 403 403 403 403 403 403 403 404",
    ("processors:processor-review", "POST"):                   "302 302 302 403 302 302 403 403 403 403 403 403 403 404",
    ("processors:processor-archive", "GET"):                   "302 200 200 403 200 200 403 403 403 403 403 403 403 404",
    ("processors:processor-archive", "POST"):                  "302 302 302 403 302 302 403 403 403 403 403 403 403 404",
    ("api:processor-list", "GET"):                             "401 200 200 200 200 200 403 403 403 403 403 200 403 404",
    ("api:processor-list", "POST"):                            "401 201 201 403 201 201 403 403 403 403 403 403 403 404",
    ("api:processor-create", "GET"):                           "401 200 200 200 200 200 403 403 403 403 403 200 403 404",
    ("api:processor-create", "POST"):                          "401 201 201 403 201 201 403 403 403 403 403 403 403 404",
    ("api:processor-detail", "GET"):                           "401 200 200 200 200 200 403 403 403 403 403 200 403 404",
    ("api:processor-detail", "POST"):                          "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:processor-update", "GET"):                           "401 200 200 200 200 200 403 403 403 403 403 200 403 404",
    ("api:processor-update", "POST"):                          "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:processor-update", "PATCH"):                         "401 200 200 403 200 200 403 403 403 403 403 403 403 404",
}
