"""The school's suppliers in the JSON API (/api/v1/processors).

The same scoping, permissions and audit as the pages: reads need processors.view, writes
processors.manage and go through the suppliers' services (which audit). Not a member of the
school: 404. A role that may not write: 403. A stale version: 409. A list and a record name
their school as ``?school=<slug>``; a create carries ``school`` in its body. Systems and the
outside organisation are given and returned as their ids. The agreement's document is
uploaded on the supplier's page (``on_file`` says whether one is kept).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.related import related_values
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.lib.errors import DomainError
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import get_for_school_or_404

from . import selectors, services
from .article28 import TERM_KEYS
from .models import DataLocation, Processor, ProcessorRole, TransferMechanism

router = Router(tags=["processors"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}
TERMS_HELP = f"The Article 28(3) terms the agreement contains, of: {', '.join(TERM_KEYS)}."


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class ProcessorListParams(ListParams):
    role: ProcessorRole | None = Field(None, description="Only suppliers of this role.")
    attention: bool = Field(False, description="Only those that need attention.")


class ProcessorOut(Out):
    id: UUID
    name: str
    role: ProcessorRole
    role_label: str
    legacy: bool = Field(..., description="Recorded before Schoolkeep tracked it.")
    outside_organisation: UUID | None
    systems: list[UUID]
    article28_terms: list[str] = Field(..., description=TERMS_HELP)
    sub_processors: str
    on_file: bool = Field(..., description="The signed agreement is on file.")
    agreement_file_name: str
    agreement_signed_on: date | None
    agreement_review_on: date | None
    contract_holder: str
    data_location: str
    transfer_mechanism: str
    transfer_mechanism_note: str
    transfer_risk_assessed_on: date | None
    cyber_essentials: str
    cyber_essentials_expires_on: date | None
    iso27001: bool
    iso27001_expires_on: date | None
    security_statement: str
    last_reviewed_on: date | None
    needs_attention: list[str]
    archived_at: AwareDatetime | None
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ProcessorIn(_Input):
    school: str = Field(..., description="The school's slug.")
    name: str = Field(..., max_length=200)
    role: ProcessorRole = ProcessorRole.PROCESSOR
    outside_organisation: UUID | None = None
    systems: list[UUID] = Field(default_factory=list)
    article28_terms: list[str] = Field(default_factory=list, description=TERMS_HELP)
    sub_processors: str = Field("", max_length=5000)
    agreement_signed_on: date | None = None
    agreement_review_on: date | None = None
    contract_holder: str = Field("", max_length=200)
    data_location: DataLocation | None = None
    transfer_mechanism: TransferMechanism | None = None
    transfer_mechanism_note: str = Field("", max_length=300)
    transfer_risk_assessed_on: date | None = None
    cyber_essentials: str = Field("", description="'', 'ce' or 'ce_plus'.")
    cyber_essentials_expires_on: date | None = None
    iso27001: bool = False
    iso27001_expires_on: date | None = None
    security_statement: str = Field("", max_length=10000)


class ProcessorPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    name: str | None = Field(None, max_length=200)
    role: ProcessorRole | None = None
    outside_organisation: UUID | None = None
    systems: list[UUID] | None = None
    article28_terms: list[str] | None = Field(None, description=TERMS_HELP)
    sub_processors: str | None = Field(None, max_length=5000)
    agreement_signed_on: date | None = None
    agreement_review_on: date | None = None
    contract_holder: str | None = Field(None, max_length=200)
    data_location: DataLocation | None = None
    transfer_mechanism: TransferMechanism | None = None
    transfer_mechanism_note: str | None = Field(None, max_length=300)
    transfer_risk_assessed_on: date | None = None
    cyber_essentials: str | None = None
    cyber_essentials_expires_on: date | None = None
    iso27001: bool | None = None
    iso27001_expires_on: date | None = None
    security_statement: str | None = Field(None, max_length=10000)


# Sent as null in a PATCH: cleared. Any other field sent as null is refused.
NULLABLE = {"outside_organisation", "agreement_signed_on", "agreement_review_on",
            "data_location", "transfer_mechanism", "transfer_risk_assessed_on",
            "cyber_essentials_expires_on", "iso27001_expires_on"}
OUT_FIELDS = ("name", "role", "legacy", "sub_processors", "agreement_file_name",
              "agreement_signed_on", "agreement_review_on", "contract_holder", "data_location",
              "transfer_mechanism", "transfer_mechanism_note", "transfer_risk_assessed_on",
              "cyber_essentials", "cyber_essentials_expires_on", "iso27001",
              "iso27001_expires_on", "security_statement", "last_reviewed_on", "archived_at",
              "version")


def _out(processor: Processor, systems: list[UUID]) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(processor, name) for name in OUT_FIELDS}
    organisation = processor.outside_organisation
    out.update(
        id=processor.public_id, role_label=processor.get_role_display(),
        on_file=processor.agreement_on_file,
        outside_organisation=organisation.public_id if organisation else None,
        systems=systems,
        article28_terms=[key for key in TERM_KEYS if processor.article28_terms.get(key)],
        needs_attention=selectors.attention_reasons(processor, timezone.localdate()))
    return out


def _page_out(processors: list[Processor]) -> list[dict[str, Any]]:
    """A page as the API answers it: the systems' ids read in one query (link rows)."""
    systems = related_values(Processor.systems, processors, "public_id",
                             order_by=("name_key", "id"))
    return [_out(processor, systems.get(processor.pk, [])) for processor in processors]


def _processor(access: SchoolAccess, processor_id: UUID) -> Processor:
    return get_for_school_or_404(Processor.objects.select_related("outside_organisation"),
                                 school=access.school, public_id=processor_id)


def _one_out(access: SchoolAccess, processor_id: UUID) -> dict[str, Any]:
    return _page_out([_processor(access, processor_id)])[0]


def _fields(access: SchoolAccess, fields: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments from the API's: ids made records of this school."""
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    if "systems" in fields:
        wanted = set(fields["systems"] or [])
        found = list(System.objects.filter(school=access.school, public_id__in=wanted))
        if len(found) != len(wanted):
            raise DomainError("Choose systems of this school's register.", field="systems")
        fields["systems"] = found
    if fields.get("outside_organisation") is not None:
        organisation = OutsideOrganisation.objects.filter(
            school=access.school, public_id=fields["outside_organisation"]).first()
        if organisation is None:
            raise DomainError("Choose an outside organisation of this school's register.",
                              field="outside_organisation")
        fields["outside_organisation"] = organisation
    if fields.get("article28_terms") is not None:
        fields["article28_terms"] = list(fields["article28_terms"])
    for name in ("data_location", "transfer_mechanism"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    return fields


@router.get("", response={200: Page[ProcessorOut], **READ_ERRORS}, url_name="processor-list",
            summary="The suppliers of a school (processors and other controllers)")
def processor_list(request: HttpRequest, params: Query[ProcessorListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "processors.view")
    rows = selectors.processor_list(school=access.school, role=params.role or "",
                                    attention=params.attention, include_archived=False)
    page = paginate(rows.select_related("outside_organisation"), limit=params.limit,
                    offset=params.offset)
    page["items"] = _page_out(page["items"])
    return page


@router.post("", response={201: ProcessorOut, **WRITE_ERRORS}, url_name="processor-create",
             summary="Record a supplier (the body names the school)")
def processor_create(request: HttpRequest, payload: ProcessorIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "processors.manage")
    fields = _fields(access, payload.model_dump(exclude={"school", "name"}, exclude_none=True))
    processor = services.processor_create(school=access.school, actor=request.user,
                                          name=payload.name, **fields)
    return Status(201, _one_out(access, processor.public_id))


@router.get("/{processor_id}", response={200: ProcessorOut, **READ_ERRORS},
            url_name="processor-detail", summary="One supplier")
def processor_detail(request: HttpRequest, processor_id: UUID,
                     params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "processors.view")
    return _one_out(access, processor_id)


@router.patch("/{processor_id}", response={200: ProcessorOut, **WRITE_ERRORS},
              url_name="processor-update", summary="Change a supplier (send the version read)")
def processor_update(request: HttpRequest, processor_id: UUID, params: Query[SchoolParam],
                     payload: ProcessorPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "processors.manage")
    processor = _processor(access, processor_id)
    fields = _fields(access, payload.model_dump(exclude_unset=True, exclude={"version"}))
    services.processor_update(processor, actor=request.user, version=payload.version,
                              **fields)
    return _one_out(access, processor_id)
