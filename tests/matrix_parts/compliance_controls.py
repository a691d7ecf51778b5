# ruff: noqa: E501  (one row per line keeps the table readable)
"""Controls (compliance, under /compliance/controls/) and /api/v1/controls.

Reading (the list, a control's page, a confirmation's evidence) needs ``compliance.view``
(the SIRO, DPO, business manager, IT lead, governor, auditor and trust administrator);
adding, changing and archiving a control need ``compliance.manage`` (the SIRO, DPO and
business manager). Confirming needs ``compliance.attest`` (every school role but the
auditor) and, without ``compliance.manage``, to own the control: the control built here is
the school's own with the member of staff named as its owner, so staff may confirm it and
the other roles holding ``compliance.attest`` get 403. The outsider (SIRO of another school)
sees their own school's list and forms (and adds a control there); this school's control
and evidence are a 404 to them. In the API, not a member of the school: 404.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from schoolkeep.compliance.controls.services import control_attest, control_create
from tests.personas import Personas

DAY = "2026-01-05"


def build(personas: Personas) -> dict[str, Any]:
    """The school's own control "Matrix cabinet", owned by the member of staff (version 1),
    confirmed once with a PDF as evidence."""
    control = control_create(school=personas.school, actor=None, title="Matrix cabinet",
                             cadence="termly", owner=personas.staff)
    attestation = control_attest(
        school=personas.school, actor=None, control=control, attested_on=DAY, outcome="done",
        uploaded_file=SimpleUploadedFile("cabinet.pdf", b"%PDF-1.4\n%%EOF\n"))
    return {"compliance_control_id": str(control.public_id),
            "compliance_attestation_id": str(attestation.public_id)}


def _control(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["compliance_control_id"]}


def _api_control(t: Any) -> dict[str, str]:
    return {"control_id": t.extra["compliance_control_id"]}


URL_ARGUMENTS = {
    "compliance:control-detail": _control,
    "compliance:control-edit": _control,
    "compliance:control-attest": _control,
    "compliance:control-archive": _control,
    "compliance:attestation-evidence": lambda t: {
        "public_id": t.extra["compliance_attestation_id"]},
    "api:control-detail": _api_control,
    "api:control-attestation-create": _api_control,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("compliance:control-add", "POST"): lambda t: {"title": "Matrix added", "cadence": "termly"},
    ("compliance:control-edit", "POST"): lambda t: {
        "version": "1", "title": "Matrix cabinet changed", "cadence": "yearly", "owner": ""},
    ("compliance:control-attest", "POST"): lambda t: {
        "attested_on_0": "5", "attested_on_1": "1", "attested_on_2": "2026", "outcome": "done"},
}

SCHOOL_QUERY = {"api:control-list", "api:control-detail", "api:control-attestation-create"}

API_BODIES = {
    ("api:control-attestation-create", "POST"): {"attested_on": DAY, "outcome": "done",
                                                 "note": "Matrix"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("compliance:control-list", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 200",
    ("compliance:control-list", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:control-add", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 200",
    ("compliance:control-add", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 302",
    ("compliance:control-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("compliance:control-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:control-edit", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 404",
    ("compliance:control-edit", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("compliance:control-attest", "GET"): "302 200 200 403 200 403 403 403 403 200 403 403 403 404",
    ("compliance:control-attest", "POST"): "302 302 302 403 302 403 403 403 403 302 403 403 403 404",
    ("compliance:control-archive", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 404",
    ("compliance:control-archive", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("compliance:attestation-evidence", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("compliance:attestation-evidence", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("api:control-list", "GET"): "401 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("api:control-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:control-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("api:control-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:control-attestation-create", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:control-attestation-create", "POST"): "401 201 201 403 201 403 403 403 403 201 403 403 403 404",
}
