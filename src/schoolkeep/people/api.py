"""The people of a school and their checks in the JSON API (/api/v1/people).

The same scoping, permissions, field visibility and audit as the pages: every read decides
what to show through ``visibility.person_visibility``; every write calls the people
services (which audit). Not a member of the school: 404. A role that may not write: 403.
A field a level may not see is left out of the answer, never sent empty.

Levels (see visibility.py): NAMES gets id, names, kind, job title and sites; DETAILS adds
the rest of the person but no checks; RECORD sees checks; SENSITIVE adds the date of birth
and DBS certificate numbers. A member sees their own record at SENSITIVE.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.lib.errors import DomainError
from schoolkeep.people import selectors, services
from schoolkeep.people.models import Check, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import CheckState, check_states, rule_set_for
from schoolkeep.people.visibility import (
    SENSITIVE_CHECK_FIELDS,
    Level,
    person_visibility,
    school_level,
)
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import Site
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["people"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}

# --- shapes ---------------------------------------------------------------------------------


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class PersonListParams(ListParams):
    kind: PersonKind | None = Field(None, description="Only people of this kind.")
    search: str = Field("", max_length=200, description="Part of a name or job title.")
    status: Literal["current", "leavers"] = Field(
        "current", description="Current people, or leavers still in the archive.")


class SiteOut(Out):
    id: UUID
    name: str


class PersonOut(Out):
    """Fields after ``sites`` are present only when the caller's level allows them."""

    id: UUID
    full_name: str
    preferred_name: str
    kind: PersonKind
    kind_label: str
    job_title: str
    sites: list[SiteOut]
    # DETAILS
    is_management_post: bool | None = None
    does_teaching_work: bool | None = None
    post_needs_qualifications: bool | None = None
    lived_or_worked_abroad: bool | None = None
    childcare_disqualification_applies: bool | None = None
    uses_school_network: bool | None = None
    start_date: date | None = None
    leaving_date: date | None = None
    email: str | None = None
    staff_number: str | None = None
    account: str | None = Field(None, description="The e-mail of the linked account.")
    version: int | None = None
    # SENSITIVE
    date_of_birth: date | None = None


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Input):
    full_name: str = Field(..., max_length=200)
    kind: PersonKind
    preferred_name: str = ""
    date_of_birth: date | None = None
    job_title: str = ""
    is_management_post: bool = False
    does_teaching_work: bool = False
    post_needs_qualifications: bool = False
    lived_or_worked_abroad: bool = False
    childcare_disqualification_applies: bool = False
    uses_school_network: bool = True
    start_date: date | None = None
    leaving_date: date | None = None
    email: str = ""
    staff_number: str = ""
    sites: list[UUID] = Field(default_factory=list, description="Ids of the school's sites.")


class PersonPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    full_name: str | None = Field(None, max_length=200)
    kind: PersonKind | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    job_title: str | None = None
    is_management_post: bool | None = None
    does_teaching_work: bool | None = None
    post_needs_qualifications: bool | None = None
    lived_or_worked_abroad: bool | None = None
    childcare_disqualification_applies: bool | None = None
    uses_school_network: bool | None = None
    start_date: date | None = None
    leaving_date: date | None = None
    email: str | None = None
    staff_number: str | None = None
    sites: list[UUID] | None = None


class OverrideOut(Schema):
    required: bool
    reason: str


class CheckOut(Schema):
    """Fields of a check's own type appear only for that type; the DBS certificate number
    only at SENSITIVE."""

    check_type: CheckType
    label: str
    required: bool
    status: Literal["done", "pending", "required", "not_required"]
    reason: str
    override: OverrideOut | None = None
    version: int = Field(..., description="0 when nothing is recorded yet.")
    done_on: date | None = None
    checked_by: str | None = None
    evidence: str | None = None
    notes: str | None = None
    right_to_work_expires_on: date | None = None
    dbs_with_barred_list: bool | None = None
    dbs_certificate_number: str | None = None
    dbs_issued_on: date | None = None
    on_update_service: bool | None = None
    update_service_checked_on: date | None = None
    agency_certificate_provided: bool | None = None


class ChecksOut(Schema):
    person: UUID
    items: list[CheckOut]
    missing: int = Field(..., description="How many required checks are not done.")


class CheckIn(_Input):
    """Only the fields sent change, and only those of the check's type are accepted."""

    version: int = Field(..., description="The check's version as read (0 when new).")
    status: Literal["pending", "done"] | None = None
    done_on: date | None = None
    checked_by: str | None = None
    evidence: str | None = None
    notes: str | None = None
    right_to_work_expires_on: date | None = None
    dbs_with_barred_list: bool | None = None
    dbs_certificate_number: str | None = None
    dbs_issued_on: date | None = None
    on_update_service: bool | None = None
    update_service_checked_on: date | None = None
    agency_certificate_provided: bool | None = None


# --- helpers --------------------------------------------------------------------------------

NAMES_FIELDS = ("full_name", "preferred_name", "kind", "job_title")
DETAILS_FIELDS = (
    "is_management_post", "does_teaching_work", "post_needs_qualifications",
    "lived_or_worked_abroad", "childcare_disqualification_applies", "uses_school_network",
    "start_date",
    "leaving_date", "email", "staff_number", "version",
)


def _person_out(person: Person, level: Level) -> dict[str, Any]:
    """The person as the caller may see them: only the keys their level allows."""
    out: dict[str, Any] = {name: getattr(person, name) for name in NAMES_FIELDS}
    out.update(
        id=person.public_id,
        kind_label=person.get_kind_display(),
        sites=[{"id": site.public_id, "name": site.name} for site in person.sites.all()],
    )
    if level >= Level.DETAILS:
        out.update({name: getattr(person, name) for name in DETAILS_FIELDS})
        out["account"] = person.user.email if person.user_id and person.user else None
    if level >= Level.SENSITIVE:
        out["date_of_birth"] = person.date_of_birth or None
    return out


def _people() -> Any:
    return Person.objects.select_related("user").prefetch_related(
        Prefetch("sites", queryset=Site.objects.order_by("name")))


def _person(access: SchoolAccess, person_id: UUID) -> Person:
    return get_for_school_or_404(_people(), school=access.school, public_id=person_id)


def _site_ids(access: SchoolAccess, site_ids: list[UUID]) -> list[int]:
    wanted = set(site_ids)
    found = dict(Site.objects.filter(school=access.school, public_id__in=wanted)
                 .values_list("public_id", "pk"))
    if len(found) != len(wanted):
        raise DomainError("Choose sites of this school.", field="sites")
    return list(found.values())


def _person_fields(access: SchoolAccess, fields: dict[str, Any]) -> dict[str, Any]:
    if "sites" in fields:
        fields["sites"] = _site_ids(access, fields["sites"] or [])
    if "date_of_birth" in fields and fields["date_of_birth"] is None:
        fields["date_of_birth"] = ""  # the encrypted field stores "no date" as empty
    return fields


def _check_out(state: CheckState, level: Level) -> dict[str, Any]:
    check = state.check
    out: dict[str, Any] = {
        "check_type": state.check_type, "label": state.label, "required": state.required,
        "status": state.status, "reason": state.reason,
        "override": ({"required": state.override.required, "reason": state.override.reason}
                     if state.override else None),
        "version": check.version if check else 0,
    }
    if check is None:
        return out
    for name in services.check_fields_for(state.check_type):
        if name in SENSITIVE_CHECK_FIELDS and level < Level.SENSITIVE:
            continue
        if name != "status":
            out[name] = getattr(check, name)
    return out


def _checks_out(access: SchoolAccess, person: Person, level: Level) -> dict[str, Any]:
    states = check_states(person, rule_set_for(access.school))
    return {
        "person": person.public_id,
        "items": [_check_out(state, level) for state in states],
        "missing": sum(state.missing for state in states),
    }


def _checked_person(access: SchoolAccess, person_id: UUID) -> Person:
    queryset = Person.objects.prefetch_related(
        Prefetch("checks", queryset=Check.objects.order_by("check_type")), "overrides")
    return get_for_school_or_404(queryset, school=access.school, public_id=person_id)


def _check_type(value: str) -> str:
    if value not in CheckType.values:
        raise Http404("Not found")
    return value


# --- people ---------------------------------------------------------------------------------


@router.get("", response={200: Page[PersonOut], **READ_ERRORS}, url_name="person-list",
            exclude_unset=True, summary="The people of a school")
def person_list(request: HttpRequest, params: Query[PersonListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "school.view")
    level = school_level(access)
    if params.status == selectors.LEAVERS and level < Level.DETAILS:
        raise HttpError(403, "Your role does not allow this.")
    people = selectors.person_list(
        school=access.school, search=params.search, kind=params.kind or "",
        status=params.status, search_details=level >= Level.DETAILS,
    ).select_related("user")
    page = paginate(people, limit=params.limit, offset=params.offset)
    page["items"] = [_person_out(p, person_visibility(access, p, request.user))
                     for p in page["items"]]
    return page


@router.post("", response={201: PersonOut, **WRITE_ERRORS}, url_name="person-create",
             exclude_unset=True, summary="Add a person to a school")
def person_create(request: HttpRequest, params: Query[SchoolParam],
                  payload: PersonIn) -> Status[dict[str, Any]]:
    access = school_access(request, params.school, "people.manage")
    fields = _person_fields(access, payload.model_dump(exclude={"full_name", "kind"}))
    person = services.person_create(school=access.school, actor=request.user,
                                    full_name=payload.full_name, kind=payload.kind, **fields)
    person = _person(access, person.public_id)
    return Status(201, _person_out(person, person_visibility(access, person, request.user)))


@router.get("/{person_id}", response={200: PersonOut, **READ_ERRORS},
            url_name="person-detail", exclude_unset=True, summary="One person")
def person_detail(request: HttpRequest, person_id: UUID,
                  params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "school.view")
    person = _person(access, person_id)
    return _person_out(person, person_visibility(access, person, request.user))


@router.patch("/{person_id}", response={200: PersonOut, **WRITE_ERRORS},
              url_name="person-update", exclude_unset=True,
              summary="Change a person's details (send the version you read)")
def person_update(request: HttpRequest, person_id: UUID, params: Query[SchoolParam],
                  payload: PersonPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "people.manage")
    person = _person(access, person_id)
    fields = _person_fields(access, payload.model_dump(exclude_unset=True, exclude={"version"}))
    services.person_update(person=person, actor=request.user, version=payload.version,
                           **fields)
    person = _person(access, person_id)
    return _person_out(person, person_visibility(access, person, request.user))


@router.delete("/{person_id}", response={204: None, **WRITE_ERRORS},
               url_name="person-archive",
               summary="Mark a person as a leaver today (they move to the archive)")
def person_archive(request: HttpRequest, person_id: UUID,
                   params: Query[SchoolParam]) -> Status[None]:
    access = school_access(request, params.school, "people.manage")
    person = _person(access, person_id)
    today = timezone.localdate()
    if person.leaving_date is None or person.leaving_date > today:
        services.person_mark_leaver(person=person, actor=request.user, leaving_date=today)
    return Status(204, None)


# --- checks ---------------------------------------------------------------------------------


@router.get("/{person_id}/checks", response={200: ChecksOut, **READ_ERRORS},
            url_name="person-checks", exclude_unset=True,
            summary="A person's Single Central Record checks")
def person_checks(request: HttpRequest, person_id: UUID,
                  params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "school.view")
    person = _checked_person(access, person_id)
    level = person_visibility(access, person, request.user)
    if level < Level.RECORD:
        raise HttpError(403, "Your role does not allow this.")
    return _checks_out(access, person, level)


@router.put("/{person_id}/checks/{check_type}", response={200: CheckOut, **WRITE_ERRORS},
            url_name="check-save", exclude_unset=True,
            summary="Record a check of a person (send the version you read, 0 when new)")
def check_save(request: HttpRequest, person_id: UUID, check_type: str,
               params: Query[SchoolParam], payload: CheckIn) -> dict[str, Any]:
    access = school_access(request, params.school, "people.manage")
    kind = _check_type(check_type)
    person = _checked_person(access, person_id)
    services.check_save(person=person, actor=request.user, check_type=kind,
                        **payload.model_dump(exclude_unset=True))
    person = _checked_person(access, person_id)
    level = person_visibility(access, person, request.user)
    states = check_states(person, rule_set_for(access.school))
    (state,) = [s for s in states if s.check_type == kind]
    return _check_out(state, level)
