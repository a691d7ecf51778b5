"""Equipment loans in the JSON API (/api/v1/loans).

The same scoping, permissions, rules and audit as the pages: reads need equipment.view,
writes equipment.manage and go through the loans' services. Not a member of the school:
404. A role that may not write: 403. A stale version: 409. A broken rule (the encryption
rule, an item already on loan, a borrower who has left): 422 naming the field.

A list and a record name their school as ``?school=<slug>``; a create carries ``school``
(the slug), ``item`` and ``person`` (their ids) in its body. ``due_back_on`` is the day the
loan is due back: its expected return, or the borrower's leaving date when that is earlier.
A PATCH changes the expected return, purpose or notes, and records the return when it
carries ``returned_on`` (with ``condition_on_return``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.equipment.loans import selectors, services
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["loans"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class LoanListParams(ListParams):
    status: Literal["", "open", "overdue", "returned"] = Field(
        "", description="open (not returned), overdue (open and past its due day) or "
                        "returned; left out: every loan.")
    person: UUID | None = Field(None, description="Only this person's loans.")
    item: UUID | None = Field(None, description="Only this item's loans.")


class LoanOut(Out):
    id: UUID
    item: UUID
    item_label: str = Field(..., description="Its kind and asset tag (or serial number).")
    person: UUID
    person_name: str
    purpose: str
    issued_on: date
    expected_return_on: date
    due_back_on: date = Field(..., description="The expected return, or the borrower's "
                                               "leaving date when that is earlier.")
    overdue: bool
    returned_on: date | None
    condition_on_return: str
    issued_by: str
    returned_by: str
    notes: str
    incident: str | None = Field(..., description="The reference of the incident it was "
                                                  "reported as.")
    version: int


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class LoanIn(_Input):
    school: str = Field(..., description="The school's slug.")
    item: UUID = Field(..., description="The id of an item of the school's inventory.")
    person: UUID = Field(..., description="The id of a person of the school.")
    expected_return_on: date
    issued_on: date | None = Field(None, description="Left out: today.")
    purpose: str = Field("", max_length=300)
    notes: str = Field("", max_length=5000)


class LoanPatch(_Input):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    version: int
    expected_return_on: date | None = None
    purpose: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=5000)
    returned_on: date | None = Field(None, description="Records the return.")
    condition_on_return: str | None = Field(None, max_length=300)


COLUMNS = ("public_id", "item__public_id", "item__kind", "item__asset_tag",
           "item__serial_number", "item__make", "item__model_name", "person__public_id",
           "person__full_name", "purpose", "issued_on", "expected_return_on", "due_on",
           "returned_on", "condition_on_return", "issued_by_label", "returned_by_label",
           "notes", "incident__reference", "version")


def _out(row: dict[str, Any], today: date) -> dict[str, Any]:
    item = Item(kind=row["item__kind"], asset_tag=row["item__asset_tag"],
                serial_number=row["item__serial_number"], make=row["item__make"],
                model_name=row["item__model_name"])
    return {
        "id": row["public_id"], "item": row["item__public_id"], "item_label": item.label,
        "person": row["person__public_id"], "person_name": row["person__full_name"],
        "purpose": row["purpose"], "issued_on": row["issued_on"],
        "expected_return_on": row["expected_return_on"], "due_back_on": row["due_on"],
        "overdue": row["returned_on"] is None and row["due_on"] < today,
        "returned_on": row["returned_on"], "condition_on_return": row["condition_on_return"],
        "issued_by": row["issued_by_label"], "returned_by": row["returned_by_label"],
        "notes": row["notes"], "incident": row["incident__reference"],
        "version": row["version"],
    }


def _loan_out(school: Any, loan_id: UUID) -> dict[str, Any]:
    rows = list(Loan.objects.filter(school=school, public_id=loan_id)
                .annotate(due_on=selectors.due_on()).values(*COLUMNS))
    if not rows:
        get_for_school_or_404(Loan, school=school, public_id=loan_id)
    return _out(rows[0], timezone.localdate())


def _one(model: Any, school: Any, wanted: UUID, field: str, message: str) -> Any:
    found = model.objects.filter(school=school, public_id=wanted).first()
    if found is None:
        raise DomainError(message, field=field)
    return found


def _filtered(school: Any, params: LoanListParams) -> QuerySet[Loan]:
    person = item = None
    if params.person is not None:
        person = Person.objects.filter(school=school, public_id=params.person).first()
        if person is None:
            return Loan.objects.none()
    if params.item is not None:
        item = Item.objects.filter(school=school, public_id=params.item).first()
        if item is None:
            return Loan.objects.none()
    return selectors.loan_list(school=school, today=timezone.localdate(),
                               status=params.status, person=person, item=item)


@router.get("", response={200: Page[LoanOut], **READ_ERRORS}, url_name="loan-list",
            summary="A school's loans of equipment, open loans first")
def loan_list(request: HttpRequest, params: Query[LoanListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.view")
    page = paginate(_filtered(access.school, params), limit=params.limit,
                    offset=params.offset, columns=COLUMNS)
    today = timezone.localdate()
    return {"items": [_out(row, today) for row in page["items"]], "count": page["count"]}


@router.post("", response={201: LoanOut, **WRITE_ERRORS}, url_name="loan-create",
             summary="Lend an item to a person (the body names the school, item and person)")
def loan_create(request: HttpRequest, payload: LoanIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "equipment.manage")
    item = _one(Item, access.school, payload.item, "item",
                "Choose an item of this school's inventory.")
    person = _one(Person, access.school, payload.person, "person",
                  "Choose a person from the people of this school.")
    loan = services.loan_issue(school=access.school, actor=request.user, item=item,
                               person=person, expected_return_on=payload.expected_return_on,
                               issued_on=payload.issued_on, purpose=payload.purpose,
                               notes=payload.notes)
    return Status(201, _loan_out(access.school, loan.public_id))


@router.get("/{loan_id}", response={200: LoanOut, **READ_ERRORS}, url_name="loan-detail",
            summary="One loan")
def loan_detail(request: HttpRequest, loan_id: UUID,
                params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.view")
    return _loan_out(access.school, loan_id)


@router.patch("/{loan_id}", response={200: LoanOut, **WRITE_ERRORS}, url_name="loan-update",
              summary="Change a loan or record its return (send the version you read)")
def loan_update(request: HttpRequest, loan_id: UUID, params: Query[SchoolParam],
                payload: LoanPatch) -> dict[str, Any]:
    access = school_access(request, params.school, "equipment.manage")
    loan = get_for_school_or_404(Loan, school=access.school, public_id=loan_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name, value in fields.items():
        if value is None:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    services.loan_update(loan=loan, actor=request.user, version=payload.version, **fields)
    return _loan_out(access.school, loan_id)
