# ruff: noqa: E501  (one row per line keeps the table readable)
"""The governor pack's pages (compliance, under /compliance/governor-pack/).

Reading the packs needs ``compliance.view`` (the SIRO, DPO, business manager, IT lead,
governor, auditor and trust administrator); opening the PDF or Word file also needs
``overview.breaches``, since the pack holds the term's breach figures (the IT lead and the
trust administrator get 403). Building needs ``compliance.manage`` (the SIRO, DPO and business
manager); recording the governing body's receipt ``compliance.receive`` (the SIRO and a
governor). The outsider (SIRO of another school) sees their own school's packs and builds its
pack; this school's pack is a 404 to them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from schoolkeep.compliance.pack.services import pack_build_now
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """A ready pack of the term today is in (version 2 once built)."""
    pack = pack_build_now(school=personas.school, actor=personas.siro)
    return {"compliance_pack_id": str(pack.public_id), "compliance_pack_version": pack.version}


def _pack(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["compliance_pack_id"]}


URL_ARGUMENTS = {
    "compliance:pack-detail": _pack,
    "compliance:pack-pdf": _pack,
    "compliance:pack-docx": _pack,
    "compliance:pack-received": _pack,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("compliance:pack-build", "POST"): lambda t: {},
    ("compliance:pack-received", "POST"): lambda t: {
        "version": str(t.extra["compliance_pack_version"]),
        "received_on": timezone.localdate().isoformat(), "meeting": "Full governing body",
        "minute": "FGB 1"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("compliance:pack-list", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 200",
    ("compliance:pack-list", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:pack-build", "GET"): "302 405 405 403 405 403 403 403 403 403 403 403 403 405",
    ("compliance:pack-build", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 302",
    ("compliance:pack-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("compliance:pack-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:pack-pdf", "GET"): "302 200 200 403 200 403 403 403 403 403 200 200 403 404",
    ("compliance:pack-pdf", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:pack-docx", "GET"): "302 200 200 403 200 403 403 403 403 403 200 200 403 404",
    ("compliance:pack-docx", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:pack-received", "GET"): "302 200 403 403 403 403 403 403 403 403 200 403 403 404",
    ("compliance:pack-received", "POST"): "302 302 403 403 403 403 403 403 403 403 302 403 403 404",
}
