"""The information asset register in the JSON API (/api/v1/assets).

The same scoping, permissions and audit as the pages: every member of the school reads the
register; the SIRO, the DPO and data administrators (``assets.manage``) create, change and
archive any asset; an asset's owner (the person it names is linked to the caller's account)
changes their own asset, but not its owner. Writes go through the asset services, which
audit. Not a member of the school: 404. A role that may not write: 403. A stale version: 409.

A list and a record name their school as ``?school=<slug>``; a create carries ``school``
(the slug) in its body. Fields use the model's names; ``group`` is the group's name (a new
name adds a group at the end of the register); ``access_labels`` are the labels' texts
(labels differing only in case are one label; new ones are added); ``systems`` are ids of
the school's current systems. The owner is one object, ``owner``: ``{"person": <id>}``,
``{"organisation": <name>}`` (added to the school's outside organisations when new) or
``{"unmatched": <name>}`` (a name not yet matched, flagged for review); ``null`` means no
owner. Answers give the owner as ``{"person", "organisation", "unmatched", "name"}`` with one
of the first three set and ``name`` as the register shows it, or ``null``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AwareDatetime, ConfigDict, model_validator

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.related import related_values
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets import selectors, services
from schoolkeep.assets.models import (
    Article9Condition,
    Asset,
    AssetGroup,
    Classification,
    DataSubject,
    LawfulBasis,
    OutsideOrganisation,
)
from schoolkeep.assets.read_only import refuse_moved
from schoolkeep.assets.record_types import in_force_of_link, links_in_force
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.privacy.schedule.models import AssetRecordType, LegacyRetentionText, RecordType
from schoolkeep.privacy.schedule.selectors import effective_schedule
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School

router = Router(tags=["assets"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}

NOT_ALLOWED = "Your role does not allow this."

# --- shapes ---------------------------------------------------------------------------------

OwnerFilter = Literal["unmatched", "none"]


def _choice(choices: type[LawfulBasis] | type[Article9Condition], default: Any = "") -> Any:
    """A choice that may also be "" (none yet): the service checks it, so that a wrong value is
    one error naming the field; the document lists the values."""
    values = ["", *choices.values]
    extra: dict[str, Any] = {"enum": values}
    return Field(default, json_schema_extra=extra, description="Empty when none is recorded.")


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class AssetListParams(ListParams):
    """The register page's filters; an unknown group, owner or system lists nothing."""

    group: str = Field("", max_length=200,
                       description="Only the assets of the group of this name (any case).")
    owner: UUID | OwnerFilter | None = Field(
        None, description="Only the assets of this owner: the id of a person or of an outside "
        "organisation; `unmatched` for owners' names not yet matched; `none` for no owner.")
    classification: Classification | None = Field(None, description="Only this marking.")
    system: UUID | None = Field(None, description="Only the assets held in this system (its id).")
    search: str = Field("", max_length=200,
                        description="Part of the name, the description or the purpose.")
    include_archived: bool = Field(False, description="Also list archived assets.")


class OwnerOut(Out):
    """Exactly one of ``person``, ``organisation`` and ``unmatched`` is set."""

    person: UUID | None = Field(..., description="The owner's id when a person of the school.")
    organisation: str | None = Field(..., description="An outside organisation's name.")
    unmatched: str | None = Field(..., description="A name not yet matched (to review).")
    name: str = Field(..., description="The owner as the register shows them.")


class AssetOut(Out):
    id: UUID
    name: str
    group: str = Field(..., description="The name of the asset's group.")
    description: str
    owner: OwnerOut | None = Field(..., description="null when the asset has no owner.")
    access_labels: list[str] = Field(
        ..., description="Who has access to enter information, in the order entered.")
    purpose: str
    lawful_basis: str = _choice(LawfulBasis, ...)
    article9_condition: str = _choice(Article9Condition, ...)
    data_subjects: list[DataSubject]
    personal_data: str
    special_category_data: bool
    children_data: bool
    classification: Classification
    classification_note: str
    systems: list[UUID] = Field(..., description="Ids of the systems that hold it.")
    held_on_paper: bool
    held_elsewhere: str
    record_types: list[UUID] = Field(
        ..., description="Ids of the record types it holds (/api/v1/record-types).")
    retention_period: str = Field(
        ..., description="Read only: the free text written before the retention schedule, "
                         "kept until record types are linked; \"\" when none.")
    destruction_method: str
    recipients: str
    transfers_outside_uk: str
    transfer_safeguards: str
    security_measures: str
    dpia: UUID | None = Field(..., description="The id of its current DPIA (/api/v1/dpias); "
                                                "null when not screened.")
    dpia_state: str | None = Field(..., description="The DPIA's state; null when none.")
    dpia_needed: bool | None = Field(
        ..., description="Read only, from the DPIA's screening: null when not screened.")
    dpia_done_on: date | None = Field(
        ..., description="Read only: the day the DPIA was signed off.")
    last_reviewed_on: date | None
    next_review_on: date | None
    archived_at: AwareDatetime | None
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _moved_fields(cls, data: Any) -> Any:
        return refuse_moved(data, ("retention_period", "dpia_needed", "dpia_done_on"))


class OwnerIn(_Input):
    """Exactly one of the three."""

    person: UUID | None = Field(None, description="The id of a person of the school.")
    organisation: str | None = Field(
        None, max_length=200,
        description="An outside organisation's name; added to the school's list when new.")
    unmatched: str | None = Field(
        None, max_length=200, description="A name not yet matched, flagged for review.")

    @model_validator(mode="after")
    def _exactly_one(self) -> OwnerIn:
        given = [v for v in (self.person, self.organisation, self.unmatched)
                 if v is not None and str(v).strip()]
        if len(given) != 1:
            raise ValueError("Give exactly one of person, organisation or unmatched.")
        return self


OWNER_DESCRIPTION = ('{"person": <id>}, {"organisation": <name>} or {"unmatched": <name>}; '
                     "null for no owner.")


class AssetIn(_Input):
    school: str = Field(..., description="The school's slug.")
    name: str = Field(..., max_length=300)
    group: str = Field(..., max_length=200,
                       description="The group's name; a new name adds a group.")
    description: str = ""
    owner: OwnerIn | None = Field(None, description=OWNER_DESCRIPTION)
    access_labels: list[str] = Field(default_factory=list,
                                     description="Labels' texts; new ones are added.")
    purpose: str = ""
    lawful_basis: str = _choice(LawfulBasis)
    article9_condition: str = _choice(Article9Condition)
    data_subjects: list[DataSubject] = Field(default_factory=list)
    personal_data: str = ""
    special_category_data: bool = False
    children_data: bool = False
    classification: Classification = Classification.UNCLASSIFIED
    classification_note: str = Field("", max_length=200)
    systems: list[UUID] = Field(default_factory=list,
                                description="Ids of the school's current systems.")
    held_on_paper: bool = False
    held_elsewhere: str = Field("", max_length=200)
    record_types: list[UUID] = Field(
        default_factory=list, description="Ids of record types of the school's schedule.")
    destruction_method: str = Field("", max_length=200)
    recipients: str = ""
    transfers_outside_uk: str = ""
    transfer_safeguards: str = ""
    security_measures: str = ""
    last_reviewed_on: date | None = None
    next_review_on: date | None = None


class AssetPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409). ``owner``
    and the dates may be null (cleared); other fields may not."""

    version: int
    name: str | None = Field(None, max_length=300)
    group: str | None = Field(None, max_length=200,
                              description="The group's name; a new name adds a group.")
    description: str | None = None
    owner: OwnerIn | None = Field(None, description=OWNER_DESCRIPTION)
    access_labels: list[str] | None = None
    purpose: str | None = None
    lawful_basis: str | None = _choice(LawfulBasis, None)
    article9_condition: str | None = _choice(Article9Condition, None)
    data_subjects: list[DataSubject] | None = None
    personal_data: str | None = None
    special_category_data: bool | None = None
    children_data: bool | None = None
    classification: Classification | None = None
    classification_note: str | None = Field(None, max_length=200)
    systems: list[UUID] | None = None
    held_on_paper: bool | None = None
    held_elsewhere: str | None = Field(None, max_length=200)
    record_types: list[UUID] | None = None
    destruction_method: str | None = Field(None, max_length=200)
    recipients: str | None = None
    transfers_outside_uk: str | None = None
    transfer_safeguards: str | None = None
    security_measures: str | None = None
    last_reviewed_on: date | None = None
    next_review_on: date | None = None


# --- helpers --------------------------------------------------------------------------------

# Fields answered as they are stored.
PLAIN_FIELDS = (
    "name", "description", "purpose", "lawful_basis", "article9_condition", "data_subjects",
    "personal_data", "special_category_data", "children_data", "classification",
    "classification_note", "held_on_paper", "held_elsewhere",
    "destruction_method", "recipients", "transfers_outside_uk", "transfer_safeguards",
    "security_measures", "last_reviewed_on", "next_review_on",
    "archived_at", "version",
)
# Sent as null, these clear the field; any other field sent as null is refused.
NULLABLE = {"owner", "last_reviewed_on", "next_review_on"}


def _register_views(ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the register's old DPIA and retention fields have become, for these assets: the
    record types linked, the old retention text and the current DPIA (three queries)."""
    views: dict[int, dict[str, Any]] = {pk: {
        "record_types": [], "retention_period": "", "dpia": None, "dpia_state": None,
        "dpia_needed": None, "dpia_done_on": None} for pk in ids}
    # Each link as the row of its key in force (a school's adjustment), each once.
    for link in links_in_force(AssetRecordType.objects.filter(asset_id__in=ids)).order_by(
            "record_type__name", "record_type_id"):
        listed = views[link.asset_id]["record_types"]
        row = in_force_of_link(link)
        if row.public_id not in listed:
            listed.append(row.public_id)
    for asset_id, text in LegacyRetentionText.objects.filter(asset_id__in=ids).values_list(
            "asset_id", "text"):
        views[asset_id]["retention_period"] = text
    for asset_id, public_id, state, required, signed_off_on in (
            Dpia.objects.filter(asset_id__in=ids, archived_at__isnull=True).values_list(
                "asset_id", "public_id", "state", "screening_required", "signed_off_on")):
        views[asset_id].update(dpia=public_id, dpia_state=state, dpia_needed=required,
                               dpia_done_on=signed_off_on)
    return views


def _owner_out(asset: Asset) -> dict[str, Any] | None:
    person, organisation = asset.owner_person, asset.owner_organisation
    return _owner(person.public_id if person else None, person.full_name if person else "",
                  organisation.name if organisation else "", asset.owner_unmatched)


def _owner(person: UUID | None, person_name: str, organisation: str,
           unmatched: str) -> dict[str, Any] | None:
    """The owner as the API answers it, from the asset's owner fields (one kind at most)."""
    if person is not None:
        return {"person": person, "organisation": None, "unmatched": None,
                "name": person_name}
    if organisation:
        return {"person": None, "organisation": organisation, "unmatched": None,
                "name": organisation}
    if unmatched:
        return {"person": None, "organisation": None, "unmatched": unmatched,
                "name": unmatched}
    return None


def _asset_out(asset: Asset) -> dict[str, Any]:
    """The asset as the API answers it (its group and owner loaded, its labels and systems
    prefetched: ``selectors.asset_for_page``)."""
    out: dict[str, Any] = {name: getattr(asset, name) for name in PLAIN_FIELDS}
    out.update(
        **_register_views([asset.pk])[asset.pk],
        id=asset.public_id,
        group=asset.group.name,
        owner=_owner_out(asset),
        access_labels=[label.label for label in asset.access_labels.all()],
        systems=[system.public_id for system in asset.systems.all()],
    )
    return out


# A list's page read as these values, not models (``api.pagination.paginate``).
LIST_COLUMNS = ("pk", "public_id", *PLAIN_FIELDS, "group__name", "owner_person__public_id",
                "owner_person__full_name", "owner_organisation__name", "owner_unmatched")


def _page_out(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of assets (``LIST_COLUMNS``) as the API answers them, as ``_asset_out`` does:
    their labels and systems read in one query each (link rows, not models)."""
    ids = [row["pk"] for row in rows]
    labels = related_values(Asset.access_labels, ids, "label")
    systems = related_values(Asset.systems, ids, "public_id", order_by=("name_key", "id"))
    views = _register_views(ids)
    return [{
        **views[row["pk"]],
        **{name: row[name] for name in PLAIN_FIELDS},
        "id": row["public_id"], "group": row["group__name"],
        "owner": _owner(row["owner_person__public_id"], row["owner_person__full_name"],
                        row["owner_organisation__name"], row["owner_unmatched"]),
        "access_labels": labels.get(row["pk"], []), "systems": systems.get(row["pk"], []),
    } for row in rows]


def _asset(access: SchoolAccess, asset_id: UUID) -> Asset:
    """One asset of the school, archived or not; another school's: 404."""
    return selectors.asset_for_page(school=access.school, public_id=asset_id)


def _may_write(access: SchoolAccess, asset: Asset, request: HttpRequest) -> None:
    if not selectors.may_edit(access, asset, request.user):
        raise HttpError(403, NOT_ALLOWED)


def _owner_fields(school: School, owner: dict[str, Any] | None,
                  actor: Any) -> dict[str, Any]:
    """The three owner fields of the services, replacing the owner as a whole."""
    fields: dict[str, Any] = {"owner_person": None, "owner_organisation": None,
                              "owner_unmatched": ""}
    if owner is None:
        return fields
    if owner.get("person") is not None:
        person = Person.objects.filter(school=school, public_id=owner["person"]).first()
        if person is None:
            raise DomainError("Choose a person of this school as the owner.", field="owner")
        fields["owner_person"] = person
    elif (owner.get("organisation") or "").strip():
        fields["owner_organisation"] = services.organisation_get_or_create(
            school=school, name=owner["organisation"], actor=actor)
    else:
        fields["owner_unmatched"] = owner.get("unmatched") or ""
    return fields


def _systems(school: School, ids: list[UUID]) -> list[System]:
    wanted = set(ids)
    found = list(System.objects.filter(school=school, archived_at__isnull=True,
                                       public_id__in=wanted))
    if len(found) != len(wanted):
        raise DomainError("Choose systems from this school's register of systems.",
                          field="systems")
    return found


def _fields(access: SchoolAccess, given: dict[str, Any], actor: Any) -> dict[str, Any]:
    """The services' arguments from a body's fields (null checked, relations resolved)."""
    for name, value in given.items():
        if value is None and name not in NULLABLE:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    fields = dict(given)
    school = access.school
    if "owner" in fields:
        fields.update(_owner_fields(school, fields.pop("owner"), actor))
    if "group" in fields:
        fields["group"] = services.group_get_or_create(school=school, name=fields["group"],
                                                       actor=actor)
    if "systems" in fields:
        fields["systems"] = _systems(school, fields["systems"])
    if "record_types" in fields:
        fields["record_types"] = _record_types(school, fields["record_types"])
    return fields


def _record_types(school: School, ids: list[UUID]) -> list[RecordType]:
    """Rows of the schedule in force for an asset (not a superseded row, not Schoolkeep's
    own records), as the form offers them."""
    wanted = set(ids)
    offered = {row.public_id: row for row in effective_schedule(school, include_own=False)}
    found = [offered[key] for key in wanted if key in offered]
    if len(found) != len(wanted):
        raise DomainError("Choose record types from the school's retention schedule.",
                          field="record_types")
    return found


def _filters(school: School, params: AssetListParams) -> dict[str, Any] | None:
    """The selector's filters from the query, or None when a group, owner or system named
    does not exist in the school (nothing can match)."""
    filters: dict[str, Any] = {
        "classification": params.classification or "", "search": params.search,
        "include_archived": params.include_archived,
    }
    if params.group:
        group = AssetGroup.objects.filter(school=school, name_key=fold(params.group)).first()
        if group is None:
            return None
        filters["group"] = group
    if isinstance(params.owner, UUID):
        owner: Any = (Person.objects.filter(school=school, public_id=params.owner).first()
                      or OutsideOrganisation.objects.filter(
                          school=school, public_id=params.owner).first())
        if owner is None:
            return None
        filters["owner"] = owner
    elif params.owner:
        filters["owner"] = (selectors.OWNER_UNMATCHED if params.owner == "unmatched"
                            else selectors.OWNER_NONE)
    if params.system is not None:
        system = System.objects.filter(school=school, public_id=params.system).first()
        if system is None:
            return None
        filters["system"] = system
    return filters


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response={200: Page[AssetOut], **READ_ERRORS}, url_name="asset-list",
            summary="The information assets of a school, by group and name")
def asset_list(request: HttpRequest, params: Query[AssetListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "assets.view")
    filters = _filters(access.school, params)
    if filters is None:
        return {"items": [], "count": 0}
    assets = selectors.asset_list(school=access.school, **filters).prefetch_related(None)
    page = paginate(assets, limit=params.limit, offset=params.offset, columns=LIST_COLUMNS)
    page["items"] = _page_out(page["items"])
    return page


@router.post("", response={201: AssetOut, **WRITE_ERRORS}, url_name="asset-create",
             summary="Add an information asset to a school's register (the body names the "
             "school)")
def asset_create(request: HttpRequest, payload: AssetIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "assets.manage")
    given = payload.model_dump(exclude={"school", "name"})
    with transaction.atomic():  # a new group or organisation stays only with its asset
        fields = _fields(access, given, request.user)
        asset = services.asset_create(school=access.school, actor=request.user,
                                      name=payload.name, **fields)
    return Status(201, _asset_out(_asset(access, asset.public_id)))


@router.get("/{asset_id}", response={200: AssetOut, **READ_ERRORS}, url_name="asset-detail",
            summary="One information asset (archived ones too)")
def asset_detail(request: HttpRequest, asset_id: UUID,
                 params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "assets.view")
    return _asset_out(_asset(access, asset_id))


@router.patch("/{asset_id}", response={200: AssetOut, **WRITE_ERRORS}, url_name="asset-update",
              summary="Change an information asset (send the version you read); its owner "
              "may change their own asset, but not its owner")
def asset_update(request: HttpRequest, asset_id: UUID, params: Query[SchoolParam],
                 payload: AssetPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "assets.view")
    asset = _asset(access, asset_id)
    _may_write(access, asset, request)
    given = payload.model_dump(exclude_unset=True, exclude={"version"})
    with transaction.atomic():
        fields = _fields(access, given, request.user)
        services.asset_update(asset=asset, actor=request.user, version=payload.version,
                              **fields)
    return _asset_out(_asset(access, asset_id))


@router.delete("/{asset_id}", response={204: None, **WRITE_ERRORS}, url_name="asset-archive",
               summary="Archive an information asset (its history is kept; archiving again "
               "changes nothing)")
def asset_archive(request: HttpRequest, asset_id: UUID,
                  params: Query[SchoolParam]) -> Status[None]:
    access = school_access(request, params.school, "assets.manage")
    asset = _asset(access, asset_id)
    if asset.archived_at is None:
        services.asset_archive(asset=asset, actor=request.user)
    return Status(204, None)
