"""The transfer log in the JSON API (/api/v1/transfers).

The same scoping, permissions and audit as the pages: reading needs ``transfers.view`` for
the whole log, else ``transfers.send`` for the caller's own transfers (another's is a 404);
logging needs ``transfers.send``; PATCH records the DPO's review (``transfers.manage``,
with the version read: a newer one is 409). Not a member of the school: 404. A broken rule:
422 naming the field.

A transfer by a channel not approved for its kind of data and recipient is logged all the
same (``approved`` false, ``review`` "to_review"): the pages ask "log it anyway?", a
program is told by the answer. ``channel`` is the id of one of the school's transfer
channels; ``channel_other`` names another way; exactly one of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets.models import Asset
from schoolkeep.lib.errors import DomainError
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.transfers.log import selectors, services
from schoolkeep.transfers.models import Transfer

router = Router(tags=["transfers"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class TransferListParams(ListParams):
    data_kind: str = Field("", description="Only this kind of data.")
    recipient: str = Field("", description="Only to this kind of recipient.")
    channel: str = Field("", description="Only by this channel (its id), or \"other\".")
    review: str = Field("", description="not_needed, to_review or reviewed.")
    sent_from: date | None = None
    sent_to: date | None = None


class TransferOut(Out):
    id: UUID
    data_kind: str
    recipient: str
    recipient_name: str
    description: str
    channel: UUID | None = Field(..., description="The transfer channel used (a system).")
    channel_name: str = Field(..., description="The channel's name, or the other way.")
    channel_other: str
    approved: bool = Field(..., description="Whether the channel was approved for this data "
                                            "and recipient when it was logged.")
    sent_on: date
    sent_by: str
    pupils_named: bool | None = Field(..., description="null: not known.")
    people_count: int | None
    asset: UUID | None
    review: str
    reviewed_at: AwareDatetime | None
    reviewed_by: str
    review_note: str
    incident: str = Field(..., description="The incident's reference, when reported as one.")
    created_at: AwareDatetime
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class TransferIn(_Input):
    school: str = Field(..., description="The school's slug.")
    data_kind: str
    recipient: str
    recipient_name: str = Field("", max_length=200)
    description: str = Field("", max_length=300, description="What was sent, without names.")
    channel: UUID | None = None
    channel_other: str = Field("", max_length=200)
    sent_on: date | None = Field(None, description="Left out: today.")
    pupils_named: bool | None = Field(None, description="Left out or null: not known.")
    people_count: int | None = Field(None, ge=0)
    asset: UUID | None = None
    add_to_asset_recipients: bool = False


class TransferReview(_Input):
    """The DPO's review of a transfer by an unapproved channel."""

    version: int
    review: Literal["reviewed"] = "reviewed"
    review_note: str = Field(..., max_length=5000)


def _out(transfer: Transfer) -> dict[str, Any]:
    return {
        "id": transfer.public_id, "data_kind": transfer.data_kind,
        "recipient": transfer.recipient, "recipient_name": transfer.recipient_name,
        "description": transfer.description,
        "channel": transfer.channel.public_id if transfer.channel else None,
        "channel_name": transfer.channel_label, "channel_other": transfer.channel_other,
        "approved": transfer.approved, "sent_on": transfer.sent_on,
        "sent_by": transfer.sent_by_label, "pupils_named": transfer.pupils_named,
        "people_count": transfer.people_count,
        "asset": transfer.asset.public_id if transfer.asset else None,
        "review": transfer.review, "reviewed_at": transfer.reviewed_at,
        "reviewed_by": transfer.reviewed_by_label, "review_note": transfer.review_note,
        "incident": transfer.incident.reference if transfer.incident else "",
        "created_at": transfer.created_at, "version": transfer.version,
    }


def _reader(request: HttpRequest, slug: str) -> tuple[SchoolAccess, bool]:
    """The caller's access and whether they read the whole log."""
    access = school_access(request, slug)
    if access.can("transfers.view"):
        return access, True
    return school_access(request, slug, "transfers.send"), False


def _one(request: HttpRequest, access: SchoolAccess, can_view_all: bool,
         transfer_id: UUID) -> Transfer:
    transfer = selectors.transfer_for_page(school_id=access.school.pk).filter(
        public_id=transfer_id).first()
    if transfer is None or not services.may_see(transfer=transfer, user=request.user,
                                                can_view_all=can_view_all):
        raise Http404("Not found")
    return transfer


@router.get("", response={200: Page[TransferOut], **READ_ERRORS}, url_name="transfer-list",
            summary="The transfer log (the caller's own transfers without transfers.view)")
def transfer_list(request: HttpRequest, params: Query[TransferListParams]) -> dict[str, Any]:
    access, can_view_all = _reader(request, params.school)
    filters = selectors.LogFilters(
        data_kind=params.data_kind, recipient=params.recipient, review=params.review,
        channel=params.channel, date_from=params.sent_from, date_to=params.sent_to)
    if params.channel not in ("", selectors.OTHER_WAY):
        try:
            UUID(params.channel)
        except ValueError:
            raise DomainError("Give a channel's id, or \"other\".", field="channel") from None
    rows = selectors.transfer_list(school_id=access.school.pk, filters=filters,
                                   sender=None if can_view_all else request.user)
    page = paginate(rows, limit=params.limit, offset=params.offset)
    return {"items": [_out(transfer) for transfer in page["items"]], "count": page["count"]}


@router.post("", response={201: TransferOut, **WRITE_ERRORS}, url_name="transfer-create",
             summary="Log a transfer (the body names the school)")
def transfer_create(request: HttpRequest, payload: TransferIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "transfers.send")
    channel = asset = None
    if payload.channel is not None:
        channel = System.objects.filter(school=access.school, public_id=payload.channel).first()
        if channel is None:
            raise DomainError("Choose one of this school's transfer channels.", field="channel")
    if payload.asset is not None:
        asset = Asset.objects.filter(school=access.school, public_id=payload.asset).first()
        if asset is None:
            raise DomainError("Choose a current information asset of this school.",
                              field="asset")
    fields = payload.model_dump(exclude={"school", "channel", "asset"})
    transfer = services.transfer_log(school=access.school, actor=request.user, channel=channel,
                                     asset=asset, log_anyway=True, **fields)
    return Status(201, _out(_one(request, access, True, transfer.public_id)))


@router.get("/{transfer_id}", response={200: TransferOut, **READ_ERRORS},
            url_name="transfer-detail", summary="One transfer")
def transfer_detail(request: HttpRequest, transfer_id: UUID,
                    params: Query[SchoolParam]) -> dict[str, Any]:
    access, can_view_all = _reader(request, params.school)
    return _out(_one(request, access, can_view_all, transfer_id))


@router.patch("/{transfer_id}", response={200: TransferOut, **WRITE_ERRORS},
              url_name="transfer-update",
              summary="Record the DPO's review (send the version you read)")
def transfer_update(request: HttpRequest, transfer_id: UUID, params: Query[SchoolParam],
                    payload: TransferReview) -> dict[str, Any]:
    access = school_access(request, params.school, "transfers.manage")
    transfer = _one(request, access, True, transfer_id)
    try:
        services.transfer_review(transfer=transfer, actor=request.user,
                                 note=payload.review_note, version=payload.version)
    except DomainError as exc:
        if exc.field == "note":
            exc.field = "review_note"
        raise
    return _out(_one(request, access, True, transfer_id))
