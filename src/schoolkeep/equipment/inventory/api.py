"""The equipment inventory in the JSON API (/api/v1/equipment).

The same scoping, permissions and audit as the pages: reads need equipment.view, writes
equipment.manage and go through the inventory services (which audit). Not a member of the
school: 404. A role that may not write: 403. A stale version: 409. A broken rule: 422
naming the field.

A list and a record name their school as ``?school=<slug>``; a create carries ``school``
(the slug) in its body. The person an item is assigned to and the systems used on it are
given and returned as their ids. ``personal_data`` is true, false or null: null is "not
known", never "no". Lost, stolen and disposed are not set here: a loss is reported from the
item's page (as an incident), a disposal recorded in a disposal batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.related import related_values
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.equipment.inventory import selectors, services
from schoolkeep.equipment.models import Item
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["equipment"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}

KindValue = Literal["laptop", "desktop", "server", "tablet", "phone", "external_drive",
                    "usb_stick", "backup_tape", "other_media", "other"]
EncryptionValue = Literal["unknown", "none", "bitlocker", "filevault", "other"]
SettableStatus = Literal["in_use", "in_store", "awaiting_disposal"]

# --- shapes ---------------------------------------------------------------------------------


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class ItemListParams(ListParams):
    kind: str = Field("", description="Only this kind (laptop, desktop, server, ...).")
    status: str = Field("", description="Only this status (in_use, in_store, lost, stolen, "
                                        "awaiting_disposal, disposed).")
    personal_data: Literal["", "yes", "no", "unknown"] = Field(
        "", description="Only items that hold personal data (yes), do not (no), or where it "
                        "is not known (unknown).")
    encryption: str = Field("", description="One encryption (unknown, none, bitlocker, "
                                            "filevault, other), or 'encrypted' for any.")
    assigned_to: UUID | None = Field(None, description="Only the items assigned to this "
                                                       "person.")
    flag: Literal["", "unencrypted", "uncertified"] = Field(
        "", description="unencrypted: holds personal data, not encrypted; uncertified: "
                        "disposed of without a certificate of secure deletion.")
    search: str = Field("", max_length=100,
                        description="Part of the serial number or asset tag, the make or the "
                                    "model.")


class ItemOut(Out):
    id: UUID
    label: str
    kind: str
    make: str
    model_name: str
    serial_number: str
    asset_tag: str
    personal_data: bool | None = Field(..., description="null: not known.")
    encryption: str
    encryption_verified_on: date | None
    location: str
    assigned_to: UUID | None
    systems: list[UUID]
    status: str
    incident: str = Field(..., description="The reference of the incident a loss or theft was "
                                           "reported as (empty: none).")
    flags: list[str] = Field(..., description="What the item lacks, in words.")
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ItemIn(_Input):
    school: str = Field(..., description="The school's slug.")
    kind: KindValue
    make: str = Field("", max_length=100)
    model_name: str = Field("", max_length=100)
    serial_number: str = Field("", max_length=100)
    asset_tag: str = Field("", max_length=50)
    personal_data: bool | None = Field(None, description="Left out or null: not known.")
    encryption: EncryptionValue = "unknown"
    encryption_verified_on: date | None = None
    location: str = Field("", max_length=200)
    assigned_to: UUID | None = None
    systems: list[UUID] = Field(default_factory=list)
    status: SettableStatus = "in_use"
    notes: str = Field("", max_length=10_000)


class ItemPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    kind: KindValue | None = None
    make: str | None = Field(None, max_length=100)
    model_name: str | None = Field(None, max_length=100)
    serial_number: str | None = Field(None, max_length=100)
    asset_tag: str | None = Field(None, max_length=50)
    personal_data: bool | None = None
    encryption: EncryptionValue | None = None
    encryption_verified_on: date | None = None
    location: str | None = Field(None, max_length=200)
    assigned_to: UUID | None = None
    systems: list[UUID] | None = None
    status: SettableStatus | None = None
    notes: str | None = Field(None, max_length=10_000)


# --- helpers --------------------------------------------------------------------------------

NULLABLE = {"personal_data", "encryption_verified_on", "assigned_to"}


def _out(items: list[Item]) -> list[dict[str, Any]]:
    """Items (read with their person, incident and disposal entry) as the API answers them,
    with their systems' ids (one query for the whole page)."""
    systems = related_values(Item.systems, [item.pk for item in items], "public_id",
                             order_by=("name", "id"))
    return [{
        "id": item.public_id, "label": item.label, "kind": item.kind, "make": item.make,
        "model_name": item.model_name, "serial_number": item.serial_number,
        "asset_tag": item.asset_tag, "personal_data": item.personal_data,
        "encryption": item.encryption, "encryption_verified_on": item.encryption_verified_on,
        "location": item.location,
        "assigned_to": item.assigned_to.public_id if item.assigned_to else None,
        "systems": systems.get(item.pk, []), "status": item.status,
        "incident": item.incident.reference if item.incident else "",
        "flags": selectors.flags(item), "version": item.version,
    } for item in items]


def _item_out(access: SchoolAccess, item_id: UUID) -> dict[str, Any]:
    item = get_for_school_or_404(
        Item.objects.select_related("assigned_to", "incident", "disposal_entry"),
        school=access.school, public_id=item_id)
    return _out([item])[0]


def _fields(access: SchoolAccess, fields: dict[str, Any]) -> dict[str, Any]:
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    if fields.get("assigned_to") is not None:
        person = Person.objects.filter(school=access.school,
                                       public_id=fields["assigned_to"]).first()
        if person is None:
            raise DomainError("Choose a person from the people of this school.",
                              field="assigned_to")
        fields["assigned_to"] = person
    if "systems" in fields:
        wanted = set(fields["systems"])
        found = list(System.objects.filter(school=access.school, public_id__in=wanted))
        if len(found) != len(wanted):
            raise DomainError("Choose systems from this school's register.", field="systems")
        fields["systems"] = found
    return fields


def _filtered(access: SchoolAccess, params: ItemListParams) -> QuerySet[Item]:
    person = None
    if params.assigned_to is not None:
        person = Person.objects.filter(school=access.school,
                                       public_id=params.assigned_to).first()
        if person is None:
            return Item.objects.none()  # another school's or no such id: nothing
    return selectors.item_list(
        school=access.school, kind=params.kind, status=params.status,
        personal_data=params.personal_data, encryption=params.encryption,
        assigned_to=person, flag=params.flag, search=params.search)


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response={200: Page[ItemOut], **READ_ERRORS}, url_name="equipment-item-list",
            summary="The equipment of a school")
def item_list(request: HttpRequest, params: Query[ItemListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.view")
    page = paginate(_filtered(access, params).select_related("incident"),
                    limit=params.limit, offset=params.offset)
    return {"items": _out(list(page["items"])), "count": page["count"]}


@router.post("", response={201: ItemOut, **WRITE_ERRORS}, url_name="equipment-item-create",
             summary="Add an item to the inventory (the body names the school)")
def item_create(request: HttpRequest, payload: ItemIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "equipment.manage")
    fields = _fields(access, payload.model_dump(exclude={"school"}))
    item = services.item_create(school=access.school, actor=request.user, **fields)
    return Status(201, _item_out(access, item.public_id))


@router.get("/{item_id}", response={200: ItemOut, **READ_ERRORS},
            url_name="equipment-item-detail", summary="One item")
def item_detail(request: HttpRequest, item_id: UUID,
                params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.view")
    return _item_out(access, item_id)


@router.patch("/{item_id}", response={200: ItemOut, **WRITE_ERRORS},
              url_name="equipment-item-update",
              summary="Change an item (send the version you read)")
def item_update(request: HttpRequest, item_id: UUID, params: Query[SchoolParam],
                payload: ItemPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.manage")
    item = get_for_school_or_404(Item, school=access.school, public_id=item_id)
    fields = _fields(access, payload.model_dump(exclude_unset=True, exclude={"version"}))
    services.item_update(item=item, actor=request.user, version=payload.version, **fields)
    return _item_out(access, item_id)
