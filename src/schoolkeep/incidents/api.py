"""Incident reports in the JSON API (/api/v1/incidents).

- ``POST`` reports an incident: every member may (``incidents.report``); the body names the
  school by its slug; it goes through ``report.services.incident_report`` like the form.
- ``GET /{id}?school=`` reads one: who holds ``incidents.view`` (DPO, SIRO, auditor) gets it
  with its decisions (who decided what and when; never the reasons); its reporter gets its
  reference and status only; anyone else gets 404, as for a report that does not exist.
- ``GET ?school=`` lists the school's reports, for ``incidents.view``.

Not a member of the school: 404. Instants are ISO 8601 with their offset (a value without
one is refused with 422 naming the field); ``ico_deadline`` is given in UTC.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict, StrictBool

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.incidents.clock import ico_deadline
from schoolkeep.incidents.models import (
    NO_PERSONAL_DATA_KINDS,
    Channel,
    Decision,
    Incident,
    Kind,
)
from schoolkeep.incidents.models import (
    Status as IncidentStatus,
)
from schoolkeep.incidents.report.services import TITLE_MAX, incident_report
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["incidents"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}

# Only what the API shows: never the narrative (title, description and reasons are encrypted
# and stay on the pages of who may see them).
OUT_FIELDS = ("pk", "public_id", "school_id", "reference", "status", "kind", "personal_data",
              "aware_at", "reported_by_id")


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class IncidentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(..., description="The school's slug.")
    title: str = Field(..., max_length=TITLE_MAX, description="A short title.")
    description: str = Field(..., description="What happened.")
    data_involved: str = Field("", description="What data or systems are involved, as far "
                                               "as the reporter knows.")
    personal_data: StrictBool = Field(..., description="Personal data may be involved.")
    aware_at: AwareDatetime | None = Field(
        None, description="When the school became aware (ISO 8601 with its offset); "
                          "default: the moment the report is received.")
    occurred_at: AwareDatetime | None = Field(None, description="When it happened.")
    discovered_at: AwareDatetime | None = Field(
        None, description="When the reporter found out.")


class IncidentOut(Out):
    id: UUID
    reference: str = Field(..., description='Such as "BR-2026-0007".')
    status: IncidentStatus
    ico_deadline: AwareDatetime | None = Field(
        ..., description="Awareness plus 72 hours, in UTC; null when no personal data is "
                         "involved.")


class DecisionOut(Schema):
    kind: Decision.Kind
    tell: bool = Field(..., description="Decided to tell them.")
    decided_at: AwareDatetime
    decided_by: str
    told_at: AwareDatetime | None
    ico_reference: str = Field(..., description="The ICO's case reference, when given.")


class IncidentDetailOut(IncidentOut):
    decisions: list[DecisionOut]


def deadline_shown(incident: Incident) -> Any:
    """The ICO deadline, unless no personal data is involved: triage said so, or, before
    triage, the reporter said so."""
    if incident.kind in NO_PERSONAL_DATA_KINDS:
        return None
    if incident.kind != Kind.BREACH and incident.personal_data is False:
        return None
    return ico_deadline(incident.aware_at)


def _incident_out(incident: Incident) -> dict[str, Any]:
    return {"id": incident.public_id, "reference": incident.reference,
            "status": incident.status, "ico_deadline": deadline_shown(incident)}


def _decision_out(decision: Decision) -> dict[str, Any]:
    return {"kind": decision.kind, "tell": decision.tell, "decided_at": decision.decided_at,
            "decided_by": decision.decided_by_label, "told_at": decision.told_at,
            "ico_reference": decision.ico_reference}


def _incidents() -> Any:
    return Incident.objects.only(*OUT_FIELDS)


@router.get("", response={200: Page[IncidentOut], **READ_ERRORS}, url_name="incident-list",
            summary="The incident reports of a school (DPO, SIRO and auditor)")
def incident_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "incidents.view")
    incidents = _incidents().filter(school=access.school).order_by("-received_at", "-pk")
    page = paginate(incidents, limit=params.limit, offset=params.offset)
    page["items"] = [_incident_out(incident) for incident in page["items"]]
    return page


@router.post("", response={201: IncidentOut, **WRITE_ERRORS}, url_name="incident-create",
             summary="Report an incident or a possible personal data breach")
def incident_create(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "incidents.report")
    incident, _ = incident_report(
        school=access.school, actor=request.user, channel=Channel.API, title=payload.title,
        description=payload.description, data_involved=payload.data_involved,
        occurred_at=payload.occurred_at, discovered_at=payload.discovered_at,
        aware_at=payload.aware_at, personal_data=payload.personal_data,
    )
    return Status(201, _incident_out(incident))


@router.get("/{incident_id}", response={200: IncidentDetailOut | IncidentOut, **READ_ERRORS},
            url_name="incident-detail",
            summary="One incident report: with its decisions for who handles or audits "
                    "reports; its reference and status only for its reporter")
def incident_detail(request: HttpRequest, incident_id: UUID,
                    params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school)
    incident = get_for_school_or_404(_incidents(), school=access.school, public_id=incident_id)
    if access.can("incidents.view"):
        decisions = Decision.objects.filter(incident=incident).order_by("kind")
        return {**_incident_out(incident),
                "decisions": [_decision_out(decision) for decision in decisions]}
    if incident.reported_by_id is not None and incident.reported_by_id == request.user.pk:
        return _incident_out(incident)
    raise Http404("Not found")
