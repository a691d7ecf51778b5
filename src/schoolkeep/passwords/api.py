"""Password change cycles in the JSON API (/api/v1/password-cycles).

- GET ``/api/v1/password-cycles?school=<slug>``: the school's current cycles, each with its
  holders, each holder's last attestation and next due date (passwords.view).
- POST ``/api/v1/password-cycles/{id}/attestations?school=<slug>`` with ``person`` and
  ``changed_on``: record that the person changed their password on the cycle's system. The
  token's user must hold passwords.manage, or be that person. Nothing else is recorded: the
  API never takes or returns a password.

Not a member of the school: 404. A role that may not: 403. A broken rule: 422.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AwareDatetime, ConfigDict

from schoolkeep.api.pagination import ListParams, Page, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.passwords import selectors, services
from schoolkeep.passwords.models import Cadence, PasswordChange, PasswordCycle
from schoolkeep.passwords.selectors import CycleDues
from schoolkeep.people.models import Person
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["passwords"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class HolderOut(Out):
    person: UUID = Field(..., description="The id of a person of the school.")
    name: str
    last_changed_on: date | None = Field(..., description="Their latest attestation.")
    due_on: date | None = Field(..., description="None for a cycle of events only.")
    due_on_estimated: bool = Field(..., description="The due date rests on estimated "
                                                    "term dates.")
    overdue: bool
    reason: str = Field(..., description="The cycle's cadence, or \"compromise\" when the "
                                         "system may have been compromised.")


class CycleOut(Out):
    id: UUID
    system: UUID
    system_name: str
    name: str
    cadence: Cadence
    every_days: int | None
    holders_label: str = Field(..., description="The access label whose members hold it.")
    starts_on: date
    archived_at: AwareDatetime | None
    version: int
    holders: list[HolderOut]


class AttestationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person: UUID = Field(..., description="The id of the person who changed it.")
    changed_on: date | None = Field(None, description="The day; left out: today.")


class AttestationOut(Out):
    id: UUID
    system: UUID
    person: UUID
    changed_on: date
    via: str


def _cycle_out(item: CycleDues) -> dict[str, Any]:
    cycle = item.cycle
    return {
        "id": cycle.public_id, "system": cycle.system.public_id,
        "system_name": cycle.system.name, "name": cycle.name, "cadence": cycle.cadence,
        "every_days": cycle.every_days,
        "holders_label": cycle.holders_label.label if cycle.holders_label else "",
        "starts_on": cycle.starts_on, "archived_at": cycle.archived_at,
        "version": cycle.version,
        "holders": [{
            "person": row.person.public_id, "name": row.person.full_name,
            "last_changed_on": row.last_changed_on, "due_on": row.due_on,
            "due_on_estimated": bool(row.due and row.due.estimated), "overdue": row.overdue,
            "reason": row.reason} for row in item.rows],
    }


@router.get("", response={200: Page[CycleOut], **READ_ERRORS}, url_name="password-cycle-list",
            summary="The current password change cycles of a school, with each holder's "
                    "last attestation and due date")
def cycle_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "passwords.view")
    cycles = selectors.cycle_dues(school=access.school, today=timezone.localdate())
    page = cycles[params.offset:params.offset + params.limit]
    return {"items": [_cycle_out(item) for item in page], "count": len(cycles)}


@router.post("/{cycle_id}/attestations", response={201: AttestationOut, **WRITE_ERRORS},
             url_name="password-cycle-attest",
             summary="Record that a holder changed their password on the cycle's system")
def cycle_attest(request: HttpRequest, cycle_id: UUID, params: Query[SchoolParam],
                 payload: AttestationIn) -> Status[dict[str, Any]]:
    access = school_access(request, params.school)
    if not access.can("passwords.manage") and not access.can("passwords.attest"):
        raise HttpError(403, "Your role does not allow this.")
    cycle = get_for_school_or_404(PasswordCycle.objects.select_related("system"),
                                  school=access.school, public_id=cycle_id,
                                  archived_at__isnull=True)
    person = get_for_school_or_404(Person, school=access.school, public_id=payload.person)
    if not access.can("passwords.manage") and person.user_id != request.user.pk:
        raise HttpError(403, "You may record only your own password changes.")
    change = services.password_change_record(
        school=access.school, system=cycle.system, person=person,
        changed_on=payload.changed_on or timezone.localdate(), via=PasswordChange.Via.API,
        actor=request.user)
    return Status(201, {"id": change.public_id, "system": cycle.system.public_id,
                        "person": person.public_id, "changed_on": change.changed_on,
                        "via": change.via})
