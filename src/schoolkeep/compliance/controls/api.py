"""Controls in the JSON API (/api/v1/controls, mounted in ``api/main.py``).

The same scoping, permissions, rules and audit as the pages: reading needs
``compliance.view``; confirming an attested control needs ``compliance.attest`` and, for a
member who does not manage the school's controls, to own it (else 403). Not a member of the
school, or another school's control: 404. A broken rule (a day in the future, "not done"
without a note, a control worked out from the records): 422 naming the field.

Every request names its school as ``?school=<slug>``. A control's state is worked out live,
as on its page; ``evidence`` sums up what it rests on: its figures and overdue duties
(worked out from the records) or its latest confirmation and when the next is due
(confirmed by someone). Evidence files are attached on the page only (the API takes JSON).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.compliance.controls import selectors, services
from schoolkeep.compliance.controls.services import MAX_NOTE
from schoolkeep.compliance.models import Attestation
from schoolkeep.compliance.state.engine import control_states
from schoolkeep.compliance.state.selectors import control_for_school_or_404
from schoolkeep.compliance.state.types import ControlState

router = Router(tags=["compliance"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class ControlListParams(ListParams):
    state: Literal["", "met", "partly", "not_met", "not_assessed"] = Field(
        "", description="Left out: every state.")
    kind: Literal["", "computed", "attested"] = Field("", description="Left out: both kinds.")


class FigureOut(Out):
    measure: str
    label: str
    met: int
    total: int
    counted: bool  # False: the school has nothing to count for it yet


class EvidenceOut(Out):
    figures: list[FigureOut]  # worked out from the records
    overdue_duties: int  # worked out from the records: overdue duties of its kinds
    last_confirmed_on: date | None  # confirmed by someone
    last_outcome: str  # "done", "not_done", or "" when never confirmed
    last_has_file: bool
    next_due: date | None  # confirmed by someone: when it is next to be confirmed


class ControlOut(Out):
    id: UUID
    code: str  # "" for a school's own control
    title: str
    kind: str  # "computed" (worked out from the records) or "attested" (confirmed)
    own: bool  # a control of the school's own
    state: str  # "met", "partly", "not_met", "not_assessed"
    state_label: str
    owner: str
    owner_role: str
    cadence: str  # attested: "Once a term", "Once a year", "Every 30 days"
    reasons: list[str]  # why it is less than met
    evidence: EvidenceOut


class AttestationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attested_on: date = Field(..., description="The day it was checked (not in the future).")
    outcome: Literal["done", "not_done"]
    note: str = Field("", max_length=MAX_NOTE,
                      description="What was found: needed when it was not done.")


class AttestationOut(Out):
    id: UUID
    control: UUID
    attested_on: date
    outcome: str
    note: str
    has_file: bool
    confirmed_by: str


def _control_out(row: ControlState) -> dict[str, Any]:
    control, latest = row.control, row.last_attestation
    return {
        "id": control.public_id, "code": control.code, "title": control.title,
        "kind": control.kind, "own": not control.is_builtin, "state": row.state,
        "state_label": row.state_label, "owner": row.owner_label, "owner_role": row.owner_role,
        "cadence": row.cadence_label, "reasons": [reason.text for reason in row.reasons],
        "evidence": {
            "figures": [{"measure": figure.spec.key, "label": figure.spec.label,
                         "met": figure.met, "total": figure.total,
                         "counted": figure.present and figure.total > 0}
                        for figure in row.figures],
            "overdue_duties": row.overdue,
            "last_confirmed_on": latest.attested_on if latest else None,
            "last_outcome": latest.outcome if latest else "",
            "last_has_file": bool(latest and latest.evidence_stored_name),
            "next_due": row.next_due.on if row.next_due else None}}


def _attestation_out(attestation: Attestation) -> dict[str, Any]:
    return {"id": attestation.public_id, "control": attestation.control.public_id,
            "attested_on": attestation.attested_on, "outcome": attestation.outcome,
            "note": attestation.note, "has_file": bool(attestation.evidence_stored_name),
            "confirmed_by": attestation.attested_by_label}


@router.get("", response={200: Page[ControlOut], **READ_ERRORS}, url_name="control-list",
            summary="A school's controls with their states, owners and evidence")
def control_list(request: HttpRequest, params: Query[ControlListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "compliance.view")
    rows = selectors.control_rows(access.school, now=timezone.now(), state=params.state,
                                  kind=params.kind)
    page = rows[params.offset:params.offset + params.limit]
    return {"items": [_control_out(row) for row in page], "count": len(rows)}


@router.get("/{control_id}", response={200: ControlOut, **READ_ERRORS},
            url_name="control-detail", summary="One control with its state and evidence")
def control_detail(request: HttpRequest, control_id: UUID,
                   params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "compliance.view")
    control = control_for_school_or_404(access.school, control_id)
    states = control_states(access.school, now=timezone.now())
    return _control_out(states[control.pk])


@router.post("/{control_id}/attestations", response={201: AttestationOut, **WRITE_ERRORS},
             url_name="control-attestation-create",
             summary="Confirm an attested control was checked (done, or not done)")
def attestation_create(request: HttpRequest, control_id: UUID, params: Query[SchoolParam],
                       payload: AttestationIn) -> Status[dict[str, Any]]:
    access = school_access(request, params.school, "compliance.attest")
    control = control_for_school_or_404(access.school, control_id)
    attestation = services.control_attest(
        school=access.school, actor=request.user, control=control,
        attested_on=payload.attested_on, outcome=payload.outcome, note=payload.note)
    return Status(201, _attestation_out(attestation))
