"""Backup sets in the JSON API (/api/v1/backup-sets).

The same scoping, permissions, rules and audit as the pages: reads need continuity.view,
writes continuity.manage and go through the scopes' services. Not a member of the school:
404. A role that may not write: 403. A stale version: 409. A broken rule (an unknown
person, system or scope, both providers at once, a missing place): 422 naming the field.
Schoolkeep's own sets (``install_copy`` not empty) are listed but never changed: 422.

A list and a record name their school as ``?school=<slug>``; a create carries ``school`` in
its body. ``counts`` says whether the set counts in the 3-2-1 rule now: not retired and with
a successful check within the school's check window.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes import selectors, services
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["backup-sets"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}

Medium = Literal["tape", "disk", "network_storage", "cloud", "other"]
Schedule = Literal["continuous", "daily", "weekly", "monthly", "termly", "other"]


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class SetListParams(ListParams):
    status: Literal["", "retired"] = Field("", description="retired: only retired sets; "
                                                           "left out: the sets in use.")
    scope: UUID | None = Field(None, description="Only the sets protecting this scope.")
    q: str = Field("", max_length=200, description="Words in the name, place or provider.")


class SetOut(Out):
    id: UUID
    name: str
    scopes: list[UUID] = Field(..., description="The ids of the scopes it protects.")
    medium: str
    provider_system: UUID | None
    provider: str = Field(..., description="The provider's name: a system of the register "
                                           "or an outside organisation.")
    location: str
    encrypted: bool
    password_protected: bool
    off_site: bool
    offline: bool
    immutable: bool
    schedule: str
    schedule_note: str
    owner: UUID | None
    owner_name: str | None
    install_copy: str = Field(..., description="Kept by Schoolkeep itself (read-only): "
                                               "archive or copy; empty for the school's own.")
    last_successful_check: date | None
    counts: bool = Field(..., description="Counts in the 3-2-1 rule now.")
    retired_at: datetime | None
    notes: str
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class SetFields(_Input):
    scopes: list[UUID] = Field(default_factory=list, description="Ids of the scopes.")
    provider_system: UUID | None = Field(None, description="A system of the register.")
    provider_name: str = Field("", max_length=200,
                               description="Or an outside organisation, by name.")
    encrypted: bool = False
    password_protected: bool = False
    off_site: bool = False
    offline: bool = False
    immutable: bool = False
    schedule: Schedule = "daily"
    schedule_note: str = Field("", max_length=200)
    owner: UUID | None = Field(None, description="A person of the school.")
    notes: str = Field("", max_length=5000)


class SetIn(SetFields):
    school: str = Field(..., description="The school's slug.")
    name: str = Field(..., max_length=200)
    medium: Medium
    location: str = Field(..., max_length=200, description="Where the copies are kept.")


class SetPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    name: str | None = Field(None, max_length=200)
    medium: Medium | None = None
    location: str | None = Field(None, max_length=200)
    scopes: list[UUID] | None = None
    provider_system: UUID | None = None
    provider_name: str | None = Field(None, max_length=200)
    encrypted: bool | None = None
    password_protected: bool | None = None
    off_site: bool | None = None
    offline: bool | None = None
    immutable: bool | None = None
    schedule: Schedule | None = None
    schedule_note: str | None = Field(None, max_length=200)
    owner: UUID | None = None
    notes: str | None = Field(None, max_length=5000)


def _out(row: selectors.SetRow) -> dict[str, Any]:
    item = row.backup_set
    return {
        "id": item.public_id, "name": item.name,
        "scopes": [scope.public_id for scope in item.scopes.all()],
        "medium": item.medium,
        "provider_system": item.provider_system.public_id if item.provider_system else None,
        "provider": services.provider_label(item), "location": item.location,
        "encrypted": item.encrypted, "password_protected": item.password_protected,
        "off_site": item.off_site, "offline": item.offline, "immutable": item.immutable,
        "schedule": item.schedule, "schedule_note": item.schedule_note,
        "owner": item.owner.public_id if item.owner else None,
        "owner_name": item.owner.full_name if item.owner else None,
        "install_copy": item.install_copy, "last_successful_check": row.last_success,
        "counts": row.counts and item.retired_at is None, "retired_at": item.retired_at,
        "notes": item.notes, "version": item.version,
    }


def _set_out(school: Any, set_id: UUID) -> dict[str, Any]:
    found = list(selectors.set_list(school=school, status=selectors.ANY)
                 .filter(public_id=set_id))
    if not found:
        get_for_school_or_404(BackupSet, school=school, public_id=set_id)
    return _out(selectors.set_rows(found, school=school, today=timezone.localdate())[0])


def _resolve(school: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The payload's ids turned into the school's records (an unknown id: 422 on its field)."""
    values = dict(fields)
    if values.get("owner") is not None:
        values["owner"] = _one(Person, school, values["owner"], "owner",
                               "Choose a person from the people of this school.")
    if values.get("provider_system") is not None:
        values["provider_system"] = _one(System, school, values["provider_system"],
                                         "provider_system",
                                         "Choose a system of this school's register.")
    if values.get("scopes") is not None:
        wanted = set(values["scopes"])
        found = list(Scope.objects.filter(school=school, archived_at__isnull=True,
                                          public_id__in=wanted))
        if len(found) != len(wanted):
            raise DomainError("Choose what it protects from this school's scopes.",
                              field="scopes")
        values["scopes"] = found
    return values


def _one(model: Any, school: Any, wanted: UUID, field: str, message: str) -> Any:
    found = model.objects.filter(school=school, public_id=wanted).first()
    if found is None:
        raise DomainError(message, field=field)
    return found


def _filtered(school: Any, params: SetListParams) -> QuerySet[BackupSet]:
    scope = None
    if params.scope is not None:
        scope = Scope.objects.filter(school=school, public_id=params.scope).first()
        if scope is None:
            return BackupSet.objects.none()
    return selectors.set_list(school=school, status=params.status, search=params.q,
                              scope=scope)


@router.get("", response={200: Page[SetOut], **READ_ERRORS}, url_name="backup-set-list",
            summary="A school's backup sets, Schoolkeep's own first, then by name")
def set_list(request: HttpRequest, params: Query[SetListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.view")
    page = paginate(_filtered(access.school, params), limit=params.limit,
                    offset=params.offset)
    rows = selectors.set_rows(page["items"], school=access.school,
                              today=timezone.localdate())
    return {"items": [_out(row) for row in rows], "count": page["count"]}


@router.post("", response={201: SetOut, **WRITE_ERRORS}, url_name="backup-set-create",
             summary="Record a backup set (the body names the school)")
def set_create(request: HttpRequest, payload: SetIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "continuity.manage")
    values = _resolve(access.school, payload.model_dump(exclude={"school"}))
    backup_set = services.set_create(school=access.school, actor=request.user, **values)
    return Status(201, _set_out(access.school, backup_set.public_id))


@router.get("/{set_id}", response={200: SetOut, **READ_ERRORS}, url_name="backup-set-detail",
            summary="One backup set")
def set_detail(request: HttpRequest, set_id: UUID,
               params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.view")
    return _set_out(access.school, set_id)


@router.patch("/{set_id}", response={200: SetOut, **WRITE_ERRORS},
              url_name="backup-set-update",
              summary="Change a backup set (send the version you read)")
def set_update(request: HttpRequest, set_id: UUID, params: Query[SchoolParam],
               payload: SetPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.manage")
    backup_set = get_for_school_or_404(BackupSet, school=access.school, public_id=set_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name, value in fields.items():
        if value is None and name not in ("owner", "provider_system"):
            raise DomainError("Leave this field out rather than sending null.", field=name)
    if "provider_system" in fields and "provider_name" not in fields:
        fields["provider_name"] = ""  # a system replaces the organisation
    if "provider_name" in fields and "provider_system" not in fields:
        fields["provider_system"] = None
    services.set_update(backup_set=backup_set, actor=request.user, version=payload.version,
                        **_resolve(access.school, fields))
    return _set_out(access.school, set_id)


@router.post("/{set_id}/retire", response={200: SetOut, **WRITE_ERRORS},
             url_name="backup-set-retire",
             summary="Retire a backup set: it no longer counts in the 3-2-1 rule")
def set_retire(request: HttpRequest, set_id: UUID,
               params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.manage")
    backup_set = get_for_school_or_404(BackupSet, school=access.school, public_id=set_id)
    services.set_retire(backup_set=backup_set, actor=request.user)
    return _set_out(access.school, set_id)
