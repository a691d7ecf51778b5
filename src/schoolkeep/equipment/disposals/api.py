"""Disposal batches in the JSON API (/api/v1/disposals).

The same scoping, permissions and audit as the pages: reads need equipment.view, writes
equipment.manage and go through the disposal services (which audit). Not a member of the
school: 404. A role that may not write: 403. A stale version: 409. A broken rule: 422
naming the field. The paperwork (the waste transfer note and the certificate) is uploaded
and matched on the pages only; a batch here says whether each is uploaded and how each item
is matched.

A list and a record name their school as ``?school=<slug>``; a create carries ``school`` in
its body, the company as ``company`` (an outside organisation's id) or ``company_name``, and
the items as their serial numbers or asset tags.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.equipment.disposals import selectors, services
from schoolkeep.equipment.models import Disposal, DisposalItem
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.access import SchoolAccess

router = Router(tags=["disposals"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class DisposalListParams(ListParams):
    search: str = Field("", max_length=100,
                        description="Part of the reference, the company's name, or an item's "
                                    "serial number or asset tag.")


class DisposalItemOut(Out):
    item: UUID
    label: str
    serial_number: str
    personal_data: bool | None = Field(..., description="null: not known.")
    matched_by: str = Field(..., description="certificate_text, hand, or empty (not matched).")
    matched_at: AwareDatetime | None


class DisposalOut(Out):
    id: UUID
    company: UUID
    company_name: str
    reference: str
    collected_on: date
    waste_carrier_registration: str
    permit_or_certification: str
    note_uploaded: bool
    keep_note_until: date
    certificate_uploaded: bool
    certificate_has_text: bool | None = Field(
        ..., description="false: a scan, matched by hand; null: no certificate.")
    not_in_batch: list[str] = Field(..., description="Serial-like keys on the certificate that "
                                                     "match no item of the batch.")
    items: list[DisposalItemOut]
    notes: str
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class DisposalIn(_Input):
    school: str = Field(..., description="The school's slug.")
    company: UUID | None = Field(None, description="An outside organisation's id.")
    company_name: str = Field("", max_length=200,
                              description="Or the company's name (added when new).")
    collected_on: date
    items: list[str] = Field(..., min_length=1, max_length=services.MAX_ITEMS,
                             description="Serial numbers or asset tags.")
    reference: str = Field("", max_length=100)
    waste_carrier_registration: str = Field("", max_length=100)
    permit_or_certification: str = Field("", max_length=200)
    notes: str = Field("", max_length=5000)


class DisposalPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    company: UUID | None = None
    company_name: str | None = Field(None, max_length=200)
    collected_on: date | None = None
    add_items: list[str] | None = Field(None, max_length=services.MAX_ITEMS)
    reference: str | None = Field(None, max_length=100)
    waste_carrier_registration: str | None = Field(None, max_length=100)
    permit_or_certification: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=5000)


def _entries() -> Prefetch[Any]:
    return Prefetch("items", queryset=DisposalItem.objects.select_related("item")
                    .order_by("item__kind", "id"))


def _out(disposal: Disposal) -> dict[str, Any]:
    entries = list(disposal.items.all())
    report = selectors.certificate_report(disposal, entries)
    return {
        "id": disposal.public_id, "company": disposal.company.public_id,
        "company_name": disposal.company.name, "reference": disposal.reference,
        "collected_on": disposal.collected_on,
        "waste_carrier_registration": disposal.waste_carrier_registration,
        "permit_or_certification": disposal.permit_or_certification,
        "note_uploaded": bool(disposal.note_stored_name),
        "keep_note_until": selectors.keep_note_until(disposal.collected_on),
        "certificate_uploaded": report.uploaded, "certificate_has_text": report.has_text,
        "not_in_batch": report.not_in_batch,
        "items": [{"item": e.item.public_id, "label": e.item.label,
                   "serial_number": e.item.serial_number,
                   "personal_data": e.item.personal_data, "matched_by": e.matched_by,
                   "matched_at": e.matched_at} for e in entries],
        "notes": disposal.notes, "version": disposal.version,
    }


def _one(access: SchoolAccess, disposal_id: UUID) -> Disposal:
    found = (Disposal.objects.filter(school=access.school, public_id=disposal_id)
             .select_related("company").prefetch_related(_entries()).first())
    if found is None:
        from django.http import Http404

        raise Http404("Not found")
    return found


def _company(access: SchoolAccess, wanted: UUID | None) -> Any:
    if wanted is None:
        return None
    from schoolkeep.assets.models import OutsideOrganisation

    found = OutsideOrganisation.objects.filter(school=access.school, public_id=wanted).first()
    if found is None:
        raise DomainError("Choose an outside organisation of this school.", field="company")
    return found


@router.get("", response={200: Page[DisposalOut], **READ_ERRORS}, url_name="disposal-list",
            summary="A school's disposal batches, newest collection first")
def disposal_list(request: HttpRequest, params: Query[DisposalListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.view")
    batches = (selectors.disposal_list(school=access.school, search=params.search)
               .prefetch_related(_entries()))
    page = paginate(batches, limit=params.limit, offset=params.offset)
    return {"items": [_out(disposal) for disposal in page["items"]], "count": page["count"]}


@router.post("", response={201: DisposalOut, **WRITE_ERRORS}, url_name="disposal-create",
             summary="Record a disposal batch (its items become disposed of)")
def disposal_create(request: HttpRequest, payload: DisposalIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "equipment.manage")
    disposal = services.disposal_create(
        school=access.school, actor=request.user, company=_company(access, payload.company),
        **payload.model_dump(exclude={"school", "company"}))
    return Status(201, _out(_one(access, disposal.public_id)))


@router.get("/{disposal_id}", response={200: DisposalOut, **READ_ERRORS},
            url_name="disposal-detail", summary="One disposal batch")
def disposal_detail(request: HttpRequest, disposal_id: UUID,
                    params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.view")
    return _out(_one(access, disposal_id))


@router.patch("/{disposal_id}", response={200: DisposalOut, **WRITE_ERRORS},
              url_name="disposal-update",
              summary="Change a disposal batch or add items (send the version you read)")
def disposal_update(request: HttpRequest, disposal_id: UUID, params: Query[SchoolParam],
                    payload: DisposalPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.manage")
    disposal = _one(access, disposal_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "company"})
    for name, value in fields.items():
        if value is None:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    services.disposal_update(disposal=disposal, actor=request.user, version=payload.version,
                             company=_company(access, payload.company),
                             company_name=fields.pop("company_name", ""),
                             add_items=fields.pop("add_items", []), **fields)
    return _out(_one(access, disposal_id))
