"""The systems register in the JSON API (/api/v1/systems).

The same scoping, permissions and audit as the pages: reads need systems.view, writes
systems.manage and go through the systems services (which audit). Not a member of the
school: 404. A role that may not write: 403. A stale version: 409.

A list and a record name their school as ``?school=<slug>``; a create carries ``school``
(the slug) in its body. Administrators are given and returned as people's ids.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict, model_validator

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.related import related_values
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets.read_only import refuse_moved
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person
from schoolkeep.privacy.suppliers.selectors import agreement_states
from schoolkeep.systems import selectors, services
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["systems"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}

# --- shapes ---------------------------------------------------------------------------------


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class SystemListParams(ListParams):
    kind: System.Kind | None = Field(None, description="Only systems of this kind.")
    search: str = Field("", max_length=200, description="Part of the name or the supplier.")
    include_archived: bool = Field(False, description="Also list archived systems.")


class SystemOut(Out):
    id: UUID
    name: str
    supplier: str
    kind: System.Kind
    kind_label: str
    description: str
    hosting: str
    mfa_required: bool
    mfa_enabled: bool
    mfa_for: str
    remote_access_method: str
    auto_logoff_minutes: int | None
    auto_logoff_checked_on: date | None
    signs_in_interactively: bool = Field(
        ..., description="People sign in to it themselves. Off for services used by software, "
                         "such as backups: their automatic log-off is not checked.")
    administrators: list[UUID] = Field(..., description="Ids of people of the school.")
    assets: list[UUID] = Field(..., description="Ids of the current assets it holds.")
    dpa_on_file: bool = Field(
        ..., description="A data processing agreement is on file: read from the system's "
                         "processor (/api/v1/processors); false when none is linked.")
    notes: str
    is_transfer_channel: bool = Field(
        ..., description="An approved channel for sending data: the transfer rules name it.")
    transfer_instructions: str = Field(..., description="How to send data with it.")
    catalogue_key: str = Field(..., description="The catalogue entry it was added from.")
    archived_at: AwareDatetime | None
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _moved_fields(cls, data: Any) -> Any:
        return refuse_moved(data, ("dpa_on_file",))


class SystemIn(_Input):
    school: str = Field(..., description="The school's slug.")
    name: str = Field(..., max_length=200)
    supplier: str = Field("", max_length=200)
    kind: System.Kind = System.Kind.OTHER
    description: str = ""
    hosting: str = Field("", max_length=200)
    mfa_required: bool = False
    mfa_enabled: bool = False
    mfa_for: str = Field("", max_length=200)
    remote_access_method: str = Field("", max_length=200)
    auto_logoff_minutes: int | None = Field(None, ge=1, le=1440)
    auto_logoff_checked_on: date | None = None
    signs_in_interactively: bool | None = Field(
        None, description="People sign in to it themselves. Left out: yes, except for a "
                          "backup service (used by software: its log-off is not checked).")
    administrators: list[UUID] = Field(default_factory=list,
                                       description="Ids of people of the school.")
    notes: str = ""
    is_transfer_channel: bool = False
    transfer_instructions: str = ""


class SystemPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    name: str | None = Field(None, max_length=200)
    supplier: str | None = Field(None, max_length=200)
    kind: System.Kind | None = None
    description: str | None = None
    hosting: str | None = Field(None, max_length=200)
    mfa_required: bool | None = None
    mfa_enabled: bool | None = None
    mfa_for: str | None = Field(None, max_length=200)
    remote_access_method: str | None = Field(None, max_length=200)
    auto_logoff_minutes: int | None = Field(None, ge=1, le=1440)
    auto_logoff_checked_on: date | None = None
    signs_in_interactively: bool | None = None
    administrators: list[UUID] | None = None
    notes: str | None = None
    is_transfer_channel: bool | None = None
    transfer_instructions: str | None = None


# --- helpers --------------------------------------------------------------------------------

OUT_FIELDS = (*services.SYSTEM_FIELDS, "catalogue_key", "archived_at", "version")
# Cleared by null in a PATCH; any other field sent as null is refused by the service.
NULLABLE = {"auto_logoff_minutes", "auto_logoff_checked_on"}


def _on_file(systems: list[System]) -> dict[int, bool]:
    """Whether each system's processor has its agreement on file (one query)."""
    states = agreement_states(system_ids=[system.pk for system in systems])
    return {pk: bool(state and state.on_file) for (_, pk), state in states.items()}


def _system_out(system: System, administrators: list[UUID] | None = None,
                assets: list[UUID] | None = None,
                on_file: bool | None = None) -> dict[str, Any]:
    """The system as the API answers it (its administrators' and assets' ids given, or else
    prefetched)."""
    out: dict[str, Any] = {name: getattr(system, name) for name in OUT_FIELDS}
    out.update(
        id=system.public_id,
        dpa_on_file=_on_file([system])[system.pk] if on_file is None else on_file,
        kind_label=system.get_kind_display(),
        administrators=[person.public_id for person in system.administrators.all()]
        if administrators is None else administrators,
        assets=[asset.public_id for asset in system.assets.all()]
        if assets is None else assets,
    )
    return out


def _page_out(systems: list[System]) -> list[dict[str, Any]]:
    """A page of systems as the API answers them: their administrators' and current assets'
    ids read in one query each (link rows, not models), in the order of their pages."""
    administrators = related_values(System.administrators, systems, "public_id",
                                    order_by=("name_key", "id"))
    assets = related_values(System.assets, systems, "public_id",
                            order_by=("group__position", "group__name_key", "name_key", "id"),
                            where={"archived_at__isnull": True})
    on_file = _on_file(systems)
    return [_system_out(system, administrators.get(system.pk, []), assets.get(system.pk, []),
                        on_file[system.pk])
            for system in systems]


def _with_assets(systems: Any) -> Any:
    return systems.prefetch_related(selectors.current_assets())


def _system(access: SchoolAccess, system_id: UUID) -> System:
    queryset = _with_assets(selectors.system_list(school=access.school, include_archived=True,
                                                  with_asset_count=False))
    return get_for_school_or_404(queryset, school=access.school, public_id=system_id)


def _people(access: SchoolAccess, ids: list[UUID]) -> list[Person]:
    wanted = set(ids)
    found = list(Person.objects.filter(school=access.school, public_id__in=wanted))
    if len(found) != len(wanted):
        raise DomainError("Choose administrators from the people of this school.",
                          field="administrators")
    return found


def _fields(access: SchoolAccess, fields: dict[str, Any]) -> dict[str, Any]:
    if "administrators" in fields:
        fields["administrators"] = _people(access, fields["administrators"] or [])
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    return fields


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response={200: Page[SystemOut], **READ_ERRORS}, url_name="system-list",
            summary="The systems of a school")
def system_list(request: HttpRequest, params: Query[SystemListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "systems.view")
    systems = selectors.system_list(school=access.school, kind=params.kind or "",
                                    search=params.search,
                                    include_archived=params.include_archived,
                                    with_asset_count=False)  # the API answers assets' ids
    page = paginate(systems.prefetch_related(None), limit=params.limit, offset=params.offset)
    page["items"] = _page_out(page["items"])
    return page


@router.post("", response={201: SystemOut, **WRITE_ERRORS}, url_name="system-create",
             summary="Add a system to a school's register (the body names the school)")
def system_create(request: HttpRequest, payload: SystemIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "systems.manage")
    fields = _fields(access, payload.model_dump(exclude={"school", "name"}, exclude_none=True))
    system = services.system_create(school=access.school, actor=request.user,
                                    name=payload.name, **fields)
    return Status(201, _system_out(_system(access, system.public_id)))


@router.get("/{system_id}", response={200: SystemOut, **READ_ERRORS},
            url_name="system-detail", summary="One system")
def system_detail(request: HttpRequest, system_id: UUID,
                  params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "systems.view")
    return _system_out(_system(access, system_id))


@router.patch("/{system_id}", response={200: SystemOut, **WRITE_ERRORS},
              url_name="system-update",
              summary="Change a system (send the version you read)")
def system_update(request: HttpRequest, system_id: UUID, params: Query[SchoolParam],
                  payload: SystemPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "systems.manage")
    system = _system(access, system_id)
    fields = _fields(access, payload.model_dump(exclude_unset=True, exclude={"version"}))
    services.system_update(system=system, actor=request.user, version=payload.version,
                           **fields)
    return _system_out(_system(access, system_id))


@router.delete("/{system_id}", response={204: None, **WRITE_ERRORS},
               url_name="system-archive",
               summary="Archive a system (its history is kept)")
def system_archive(request: HttpRequest, system_id: UUID,
                   params: Query[SchoolParam]) -> Status[None]:
    access = school_access(request, params.school, "systems.manage")
    services.system_archive(system=_system(access, system_id), actor=request.user)
    return Status(204, None)
