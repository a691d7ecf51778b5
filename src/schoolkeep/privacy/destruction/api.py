"""The destruction log in the JSON API (/api/v1/destructions): list, one entry, and record a
destruction. Reads need ``retention.view``, a record ``destructions.record`` and goes through
``destruction_record`` (which checks and audits). Not a member of the school: 404; a role
that may not: 403; a value refused: 422 naming the field. Record types, assets and disposals
are given by their ids; another school's is refused."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets.models import Asset
from schoolkeep.lib.errors import DomainError
from schoolkeep.privacy.destruction import selectors
from schoolkeep.privacy.destruction.models import (
    Destruction,
    DestructionMethod,
    DestructionSource,
)
from schoolkeep.privacy.destruction.services import destruction_record, visible_record_types
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["destructions"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class DestructionListParams(ListParams):
    record_type: UUID | None = Field(None, description="Only entries of this record type.")
    method: DestructionMethod | None = Field(None, description="Only entries destroyed so.")
    year: int | None = Field(None, ge=1900, le=2999,
                             description="Only entries destroyed in this year.")


class DestructionOut(Out):
    id: UUID
    description: str = Field(..., description="What was destroyed (never the data itself).")
    record_type: UUID | None = Field(..., description="Its record type (/api/v1/record-types).")
    record_type_name: str
    asset: UUID | None = Field(..., description="The information asset, when one.")
    records_from: date | None
    records_to: date | None
    quantity: int | None
    method: DestructionMethod
    method_label: str
    source: DestructionSource
    disposal: UUID | None = Field(..., description="The equipment disposal, when one.")
    certificate_reference: str
    destroyed_on: date
    destroyed_by: str
    witnessed_by: str
    recorded_by: str
    created_at: AwareDatetime


class DestructionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(..., description="The school's slug.")
    description: str = Field(..., max_length=300)
    method: DestructionMethod
    destroyed_on: date
    destroyed_by: str = Field(..., max_length=200)
    witnessed_by: str = Field("", max_length=200)
    record_type: UUID | None = None
    asset: UUID | None = None
    disposal: UUID | None = Field(
        None, description="Refused: an equipment disposal's certificate writes its own entry.")
    records_from: date | None = None
    records_to: date | None = None
    quantity: int | None = Field(None, ge=1, le=10_000_000)
    certificate_reference: str = Field("", max_length=200)


def _out(row: Destruction) -> dict[str, Any]:
    return {
        "id": row.public_id, "description": row.description,
        "record_type": row.record_type.public_id if row.record_type else None,
        "record_type_name": row.record_type.name if row.record_type else "",
        "asset": row.asset.public_id if row.asset else None,
        "records_from": row.records_from, "records_to": row.records_to,
        "quantity": row.quantity, "method": row.method,
        "method_label": row.get_method_display(), "source": row.source,
        "disposal": row.disposal.public_id if row.disposal else None,
        "certificate_reference": row.certificate_reference,
        "destroyed_on": row.destroyed_on, "destroyed_by": row.destroyed_by_label,
        "witnessed_by": row.witnessed_by_label, "recorded_by": row.recorded_by_label,
        "created_at": row.created_at,
    }


def _one(model: Any, school: School, public_id: UUID | None, *, field: str,
         message: str, queryset: Any = None) -> Any:
    if public_id is None:
        return None
    found = (queryset if queryset is not None else model.objects.filter(school=school)).filter(
        public_id=public_id).first()
    if found is None:
        raise DomainError(message, field=field)
    return found


@router.get("", response={200: Page[DestructionOut], **READ_ERRORS},
            url_name="destruction-list", summary="The destruction log of a school, newest first")
def destruction_list(request: HttpRequest,
                     params: Query[DestructionListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "retention.view")
    record_type_id = None
    if params.record_type is not None:
        found = visible_record_types(access.school).filter(
            public_id=params.record_type).values_list("pk", flat=True).first()
        if found is None:
            return {"items": [], "count": 0}
        record_type_id = found
    rows = selectors.destruction_list(school=access.school, filters=selectors.LogFilters(
        record_type_id=record_type_id, method=params.method or "", year=params.year))
    page = paginate(rows, limit=params.limit, offset=params.offset)
    page["items"] = [_out(row) for row in page["items"]]
    return page


@router.get("/{destruction_id}", response={200: DestructionOut, **READ_ERRORS},
            url_name="destruction-detail", summary="One entry of the destruction log")
def destruction_detail(request: HttpRequest, destruction_id: UUID,
                       params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "retention.view")
    return _out(selectors.destruction_for_page(school=access.school, public_id=destruction_id))


@router.post("", response={201: DestructionOut, **WRITE_ERRORS},
             url_name="destruction-create",
             summary="Record a destruction in a school's log (the body names the school)")
def destruction_create(request: HttpRequest, payload: DestructionIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "destructions.record")
    school = access.school
    # Only Schoolkeep's own erasure and the disposals' certificates write these entries.
    if payload.method == DestructionMethod.SCHOOLKEEP_ERASURE:
        raise DomainError("Schoolkeep records its own erasures itself: choose how the "
                          "records were destroyed.", field="method")
    if payload.disposal is not None:
        raise DomainError("A disposal's entry is written when its certificate is uploaded "
                          "(Equipment, Disposals): leave this out.", field="disposal")
    row = destruction_record(
        school=school, actor=request.user, description=payload.description,
        method=payload.method, destroyed_on=payload.destroyed_on,
        destroyed_by_label=payload.destroyed_by, witnessed_by_label=payload.witnessed_by,
        record_type=_one(None, school, payload.record_type, field="record_type",
                         queryset=visible_record_types(school),
                         message="Choose a record type of this school's schedule."),
        asset=_one(Asset, school, payload.asset, field="asset",
                   message="Choose an asset of this school's register."),
        records_from=payload.records_from, records_to=payload.records_to,
        quantity=payload.quantity, certificate_reference=payload.certificate_reference)
    return Status(201, _out(get_for_school_or_404(
        Destruction.objects.select_related("record_type", "asset", "disposal"),
        school=school, pk=row.pk)))
