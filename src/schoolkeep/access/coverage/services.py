"""Writes of the administrators' DBS exceptions: a person named as a system's administrator
who needs no DBS check of their own (a supplier's remote support engineer covered by its
contract, say) is recorded with the reason; removing it makes them a duty again unless the
Single Central Record shows a completed enhanced DBS check. Each write runs in one
transaction, checks that the acting member may manage accounts, and is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from schoolkeep.access.models import AdministratorDbsException
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import PERMISSIONS

ACTION_LABELS = {
    "access.dbs_exception.recorded": "Administrator's DBS exception recorded",
    "access.dbs_exception.removed": "Administrator's DBS exception removed",
}
REASON_MAX = 2000


def _require_manager(*, school: School, actor: Any) -> None:
    """A person acting (not the command line or the demo) must hold access.manage."""
    if not getattr(actor, "is_authenticated", False):
        return
    _, roles = PERMISSIONS["access.manage"]
    if not MembershipRole.objects.filter(membership__school=school, membership__user=actor,
                                         membership__is_active=True,
                                         role__in=list(roles)).exists():
        raise NotAllowed("You may not record exceptions to the DBS rule at this school.")


def _label(actor: Any) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(getattr(actor, "full_name", "") or getattr(actor, "email", ""))
    return "Schoolkeep"


def _check_person(school: School, person: Person) -> None:
    if person.school_id != school.pk:
        raise DomainError("Choose a person of this school.", field="person")


def dbs_exception_record(*, school: School, actor: Any, person: Person,
                         reason: str) -> AdministratorDbsException:
    """Record (or change the reason of) ``person``'s exception to the DBS rule."""
    reason = str(reason or "").strip()
    if not reason:
        raise DomainError("Enter why this administrator needs no DBS check of their own.",
                          field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Keep the reason under {REASON_MAX:,} characters.", field="reason")
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        _check_person(school, person)
        found = (AdministratorDbsException.objects.select_for_update()
                 .filter(school=school, person=person).first())
        before = found.reason if found is not None else None
        if found is not None and found.reason == reason:
            return found
        exception = found or AdministratorDbsException(school=school, person=person)
        exception.reason = reason
        exception.recorded_by_label = _label(actor)
        full_clean_or_error(exception)
        exception.save()
        audit_record(action="access.dbs_exception.recorded", school=school, actor=actor,
                     target=person, target_label=person.full_name,
                     changes=diff({"dbs_exception": before}, {"dbs_exception": reason}))
    return exception


def dbs_exception_remove(*, school: School, actor: Any, person: Person) -> bool:
    """Remove ``person``'s exception; False when there was none (nothing changes)."""
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        _check_person(school, person)
        found = (AdministratorDbsException.objects.select_for_update()
                 .filter(school=school, person=person).first())
        if found is None:
            return False
        reason = found.reason
        found.delete()
        audit_record(action="access.dbs_exception.removed", school=school, actor=actor,
                     target=person, target_label=person.full_name,
                     changes=diff({"dbs_exception": reason}, {"dbs_exception": None}))
    return True
