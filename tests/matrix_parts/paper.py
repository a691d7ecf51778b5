# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of paper signatures: recording one needs aups.manage (SIRO,
business manager); downloading a scan needs aups.records (also the auditor and the trust's
administrator). The outsider gets 404 for this school's records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.agreements.aups.models import Audience
from schoolkeep.agreements.signing.paper.services import paper_signature_record
from tests.matrix_parts.kiosk import published_aup
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    aup = published_aup(personas.school, Audience.VISITORS)
    signature = paper_signature_record(
        aup=aup, actor=personas.siro, typed_name="Matrix Visitor", visiting="Reception",
        signed_on=timezone.localdate() - timedelta(days=1),
        scan_file=SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%%EOF\n"))
    return {"paper_aup_id": str(aup.public_id), "paper_signature_id": str(signature.public_id)}


URL_ARGUMENTS = {
    "agreements:paper-create": lambda t: {"public_id": t.extra["paper_aup_id"]},
    "agreements:scan-download": lambda t: {"public_id": t.extra["paper_signature_id"]},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("agreements:paper-create", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:paper-create", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:scan-download", "GET"): "302 200 403 403 200 403 403 403 403 403 403 200 200 404",
    ("agreements:scan-download", "POST"): "302 405 403 403 405 403 403 403 403 403 403 405 405 405",
}
