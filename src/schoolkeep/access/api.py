"""The accounts on each system in the JSON API (/api/v1/accounts).

The same scoping, permissions and audit as the pages: reads need access.view, writes
access.manage and go through the account services (which audit). Not a member of the
school: 404. A role that may not write: 403. A stale version: 409. A broken rule: 422
naming the field.

A list and a record name their school as ``?school=<slug>``; a create carries ``school``
(the slug) and ``system`` (its id) in its body. People are given and returned as their ids.
Administrator, two-factor and enabled are true, false or null: null is "not known", never
"no", and a create that leaves them out records them as not known. No password is ever
taken or given.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict

from schoolkeep.access.accounts import selectors, services
from schoolkeep.access.models import SystemAccount
from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.related import related_values
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["accounts"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}

# --- shapes ---------------------------------------------------------------------------------


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class AccountListParams(ListParams):
    system: UUID | None = Field(None, description="Only the accounts on this system.")
    person: UUID | None = Field(
        None, description="Only this person's accounts, and the shared accounts they use or "
                          "are responsible for.")
    admin: bool | None = Field(None, description="Only administrator accounts (true) or only "
                                                 "the others (false).")
    enabled: bool | None = Field(None, description="Only enabled (true) or disabled (false) "
                                                   "accounts.")
    search: str = Field("", max_length=200,
                        description="Part of the username, the name or e-mail on the system, "
                                    "or the person's name.")


class AccountOut(Out):
    id: UUID
    system: UUID
    system_name: str
    username: str
    display_name: str = Field(..., description="As the system names the holder; a shared "
                                               "account's label.")
    email: str
    person: UUID | None = Field(..., description="Whose account it is (null: nobody matched, "
                                                 "or a shared account).")
    matched_by: str = Field(..., description="email, name, hand, or empty.")
    is_shared: bool
    shared_reason: str
    responsible_person: UUID | None
    shared_with: list[UUID] = Field(..., description="Ids of the people who use a shared "
                                                     "account.")
    is_admin: bool | None = Field(..., description="null: not known.")
    mfa_on: bool | None = Field(..., description="null: not known.")
    enabled: bool | None = Field(..., description="null: not known.")
    enabled_on: date | None
    disabled_on: date | None
    last_sign_in_at: AwareDatetime | None
    dbs_exception: str
    source: str = Field(..., description="hand, user_list or api.")
    listed_at: AwareDatetime | None = Field(..., description="When a user list last showed it.")
    missing_from_list_at: AwareDatetime | None
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class AccountIn(_Input):
    school: str = Field(..., description="The school's slug.")
    system: UUID = Field(..., description="The id of a current system of the school.")
    username: str = Field(..., max_length=254)
    display_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    person: UUID | None = None
    is_shared: bool = False
    shared_reason: str = ""
    responsible_person: UUID | None = None
    shared_with: list[UUID] = Field(default_factory=list)
    is_admin: bool | None = Field(None, description="Left out or null: not known.")
    mfa_on: bool | None = Field(None, description="Left out or null: not known.")
    enabled: bool | None = Field(None, description="Left out or null: not known.")
    enabled_on: date | None = None
    disabled_on: date | None = None
    last_sign_in_at: AwareDatetime | None = None
    dbs_exception: str = ""


class AccountPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    username: str | None = Field(None, max_length=254)
    display_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    person: UUID | None = None
    is_shared: bool | None = None
    shared_reason: str | None = None
    responsible_person: UUID | None = None
    shared_with: list[UUID] | None = None
    is_admin: bool | None = None
    mfa_on: bool | None = None
    enabled: bool | None = None
    enabled_on: date | None = None
    disabled_on: date | None = None
    last_sign_in_at: AwareDatetime | None = None
    dbs_exception: str | None = None


# --- helpers --------------------------------------------------------------------------------

# Read as plain values (one query for a page, with the system's and people's ids).
COLUMNS = (
    "id", "public_id", "system__public_id", "system__name", "username", "display_name",
    "email", "person__public_id", "matched_by", "is_shared", "shared_reason",
    "responsible_person__public_id", "is_admin", "mfa_on", "enabled", "enabled_on",
    "disabled_on", "last_sign_in_at", "dbs_exception", "source", "listed_at",
    "missing_from_list_at", "version",
)
_RENAMED = {"public_id": "id", "system__public_id": "system", "system__name": "system_name",
            "person__public_id": "person",
            "responsible_person__public_id": "responsible_person"}
# Cleared by null in a PATCH (null is "not known" or "nobody"); any other field sent as
# null is refused.
NULLABLE = {"person", "responsible_person", "is_admin", "mfa_on", "enabled", "enabled_on",
            "disabled_on", "last_sign_in_at"}


def _page_out(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of COLUMNS as the API answers them, with who uses each shared account (one query
    for the whole page)."""
    shared = related_values(SystemAccount.shared_with, [row["id"] for row in rows],
                            "public_id", order_by=("name_key", "id"))
    out = []
    for row in rows:
        item = {_RENAMED.get(name, name): value for name, value in row.items() if name != "id"}
        item["shared_with"] = shared.get(row["id"], [])
        out.append(item)
    return out


def _account_out(access: SchoolAccess, account_id: UUID) -> dict[str, Any]:
    rows = list(SystemAccount.objects.filter(school=access.school, public_id=account_id)
                .values(*COLUMNS))
    if not rows:
        get_for_school_or_404(SystemAccount, school=access.school, public_id=account_id)
    return _page_out(rows)[0]


def _one_person(access: SchoolAccess, name: str, wanted: UUID | None) -> Person | None:
    if wanted is None:
        return None
    found = Person.objects.filter(school=access.school, public_id=wanted).first()
    if found is None:
        raise DomainError("Choose a person from the people of this school.", field=name)
    return found


def _fields(access: SchoolAccess, fields: dict[str, Any]) -> dict[str, Any]:
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    for name in ("person", "responsible_person"):
        if name in fields:
            fields[name] = _one_person(access, name, fields[name])
    if "shared_with" in fields:
        wanted = set(fields["shared_with"])
        found = list(Person.objects.filter(school=access.school, public_id__in=wanted))
        if len(found) != len(wanted):
            raise DomainError("Choose the people who use the account from the people of this "
                              "school.", field="shared_with")
        fields["shared_with"] = found
    return fields


def _filtered(access: SchoolAccess, params: AccountListParams) -> QuerySet[SystemAccount]:
    system = person = None
    if params.system is not None:
        system = System.objects.filter(school=access.school, public_id=params.system).first()
    if params.person is not None:
        person = Person.objects.filter(school=access.school, public_id=params.person).first()
    if (params.system and system is None) or (params.person and person is None):
        return SystemAccount.objects.none()  # another school's or no such id: nothing
    return selectors.account_list(school=access.school, system=system, person=person,
                                  admin=params.admin, enabled=params.enabled,
                                  search=params.search)


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response={200: Page[AccountOut], **READ_ERRORS}, url_name="account-list",
            summary="The accounts on a school's systems")
def account_list(request: HttpRequest, params: Query[AccountListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "access.view")
    # The page's ids first (the sort touches only the accounts and their systems' names),
    # then only those rows with their people's ids: 20,000 accounts are not joined to sort.
    ids = paginate(_filtered(access, params).values_list("pk", flat=True),
                   limit=params.limit, offset=params.offset)
    wanted = list(ids["items"])
    found = {row["id"]: row for row in SystemAccount.objects.filter(pk__in=wanted)
             .values(*COLUMNS)} if wanted else {}
    return {"items": _page_out([found[pk] for pk in wanted]), "count": ids["count"]}


@router.post("", response={201: AccountOut, **WRITE_ERRORS}, url_name="account-create",
             summary="Add an account on a system (the body names the school and the system)")
def account_create(request: HttpRequest, payload: AccountIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "access.manage")
    system = System.objects.filter(school=access.school, public_id=payload.system).first()
    if system is None:
        raise DomainError("Choose a system of this school.", field="system")
    fields = _fields(access, payload.model_dump(exclude={"school", "system", "username"}))
    account = services.account_create(school=access.school, actor=request.user, system=system,
                                      username=payload.username, source="api", **fields)
    return Status(201, _account_out(access, account.public_id))


@router.get("/{account_id}", response={200: AccountOut, **READ_ERRORS},
            url_name="account-detail", summary="One account")
def account_detail(request: HttpRequest, account_id: UUID,
                   params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "access.view")
    return _account_out(access, account_id)


@router.patch("/{account_id}", response={200: AccountOut, **WRITE_ERRORS},
              url_name="account-update",
              summary="Change an account (send the version you read)")
def account_update(request: HttpRequest, account_id: UUID, params: Query[SchoolParam],
                   payload: AccountPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "access.manage")
    account = get_for_school_or_404(SystemAccount, school=access.school, public_id=account_id)
    fields = _fields(access, payload.model_dump(exclude_unset=True, exclude={"version"}))
    services.account_update(account=account, actor=request.user, version=payload.version,
                            **fields)
    return _account_out(access, account_id)
