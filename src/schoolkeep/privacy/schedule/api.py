"""The retention schedule in the JSON API (``/api/v1/record-types``).

- ``GET ?school=`` lists the record types in force at the school (the school's own rows
  over the trust's over the starting schedule's), each with its period, action, source and
  where it comes from (``shipped``, ``trust``, ``school``); ``?own=false`` leaves out
  Schoolkeep's own records.
- ``GET /{id}?school=`` reads one type in force (another school's own type: 404).
- ``PATCH /{id}?school=`` adjusts a type for the school (``services.record_type_adjust``):
  only the fields sent change; ``version`` is the one read (a newer one: 409). Adjusting a
  shipped or a trust's type gives the school its own row, answered with its new ``id``.
- ``POST ?school=`` adds a type of the school's own (201).

Reads need ``retention.view``, writes ``retention.manage``. Not a member: 404; a role that
may not: 403; a refused value: 422 naming its field.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictInt

from schoolkeep.api.pagination import ListParams, Page, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.lib.errors import DomainError
from schoolkeep.privacy.schedule import services
from schoolkeep.privacy.schedule.models import RecordType, RetentionAction, RetentionEvent
from schoolkeep.privacy.schedule.rules import describe_period
from schoolkeep.privacy.schedule.selectors import ORIGIN_LABELS, effective_schedule, origin_of

router = Router(tags=["record types"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 409: MessageOut,
                                422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class TypeListParams(ListParams):
    own: bool = Field(True, description="false: leave out Schoolkeep's own records.")


class RecordTypeOut(Out):
    id: UUID
    key: str = Field(..., description="The starting schedule's key; empty for a school's own "
                                      "type.")
    name: str
    description: str
    event: RetentionEvent
    years: int
    months: int
    days: int
    period: str = Field(..., description="The period in words.")
    action: RetentionAction
    source: str
    origin: str = Field(..., description="shipped, trust or school.")
    origin_label: str
    schoolkeep_own: bool = Field(..., description="Schoolkeep erases these itself.")
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class TypeIn(_Input):
    name: str = Field(..., max_length=200)
    description: str = Field("", max_length=2000)
    event: RetentionEvent
    years: StrictInt = Field(0, ge=0, le=services.LIMITS["years"])
    months: StrictInt = Field(0, ge=0, le=services.LIMITS["months"])
    days: StrictInt = Field(0, ge=0, le=services.LIMITS["days"])
    action: RetentionAction = RetentionAction.DESTROY
    source: str = Field("", max_length=2000)


class TypePatch(_Input):
    """Only the fields sent change."""

    version: StrictInt = Field(..., ge=1)
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=2000)
    event: RetentionEvent | None = None
    years: StrictInt | None = Field(None, ge=0, le=services.LIMITS["years"])
    months: StrictInt | None = Field(None, ge=0, le=services.LIMITS["months"])
    days: StrictInt | None = Field(None, ge=0, le=services.LIMITS["days"])
    action: RetentionAction | None = None
    source: str | None = Field(None, max_length=2000)


def _out(row: RecordType) -> dict[str, Any]:
    origin = origin_of(row)
    return {"id": row.public_id, "key": row.key, "name": row.name,
            "description": row.description, "event": row.event, "years": row.years,
            "months": row.months, "days": row.days, "period": describe_period(row),
            "action": row.action, "source": row.source, "origin": origin,
            "origin_label": ORIGIN_LABELS[origin], "schoolkeep_own": row.schoolkeep_own,
            "version": row.version}


def _in_force(school: Any, public_id: UUID) -> RecordType:
    for row in effective_schedule(school):
        if row.public_id == public_id:
            return row
    raise Http404("Not found")


@router.get("", response={200: Page[RecordTypeOut], **READ_ERRORS},
            url_name="record-type-list", summary="The school's retention schedule")
def type_list(request: HttpRequest, params: Query[TypeListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "retention.view")
    rows = effective_schedule(access.school, include_own=params.own)
    return {"items": [_out(row) for row in rows[params.offset:params.offset + params.limit]],
            "count": len(rows)}


@router.post("", response={201: RecordTypeOut, **WRITE_ERRORS},
             url_name="record-type-create", summary="Add a record type of the school's own")
def type_create(request: HttpRequest, params: Query[SchoolParam],
                payload: TypeIn) -> Status[dict[str, Any]]:
    access = school_access(request, params.school, "retention.manage")
    row = services.record_type_add(school=access.school, actor=request.user,
                                   **payload.model_dump(mode="json"))
    return Status(201, _out(row))


@router.get("/{type_id}", response={200: RecordTypeOut, **READ_ERRORS},
            url_name="record-type-detail", summary="One record type in force at the school")
def type_detail(request: HttpRequest, type_id: UUID,
                params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "retention.view")
    return _out(_in_force(access.school, type_id))


@router.patch("/{type_id}", response={200: RecordTypeOut, **WRITE_ERRORS},
              url_name="record-type-update",
              summary="Adjust a record type for the school (send the version you read)")
def type_update(request: HttpRequest, type_id: UUID, params: Query[SchoolParam],
                payload: TypePatch) -> dict[str, Any]:
    access = school_access(request, params.school, "retention.manage")
    record_type = _in_force(access.school, type_id)
    fields = payload.model_dump(mode="json", exclude_unset=True)
    version = fields.pop("version")
    for name, value in fields.items():
        if value is None:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    row = services.record_type_adjust(school=access.school, actor=request.user,
                                      record_type=record_type, version=version, **fields)
    return _out(row)
