"""Containment and remedial actions of an incident, each with an owner and a due date.

An action is to do, done, or dropped with a reason; a report closes only when none is still to
do. Actions are changed while they are to do. Their events are kept in the incident's history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import diff, snapshot
from schoolkeep.incidents.handling.services import audit_incident, lock_incident, text
from schoolkeep.incidents.models import Action, Incident
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.lib.values import as_date
from schoolkeep.tenancy.guards import user_holds

ACTION_LABELS = {
    "incidents.action.added": "Action added",
    "incidents.action.changed": "Action changed",
    "incidents.action.done": "Action done",
    "incidents.action.dropped": "Action dropped",
}

ACTION_FIELDS = ["kind", "description", "owner", "due_on"]
ACTION_SECRET_FIELDS = ["description", "drop_reason"]
STALE_MESSAGE = ("Someone else changed this action while you were working on it. Reload the "
                 "page to see their changes, then make yours again.")


def _snapshot(action: Action) -> dict[str, Any]:
    values = snapshot(action, ACTION_FIELDS)
    values["owner"] = str(action.owner) if action.owner is not None else ""
    return values


def _owner(school_id: int, owner: Any) -> Any:
    if owner is None:
        raise DomainError("Choose who owns the action.", field="owner")
    # Only the DPO and SIRO: nobody else may know that a report exists, and an action's
    # owner sees it among their duties.
    if not user_holds(school=school_id, user=owner, permission="incidents.handle"):
        raise DomainError("Choose the owner from the school's DPO and SIRO: nobody else may "
                          "see incident reports.", field="owner")
    return owner


def _values(school_id: int, *, kind: str, description: str, owner: Any,
            due_on: date | str | None) -> dict[str, Any]:
    if kind not in Action.Kind.values:
        raise DomainError("Choose whether the action contains the incident or remedies it.",
                          field="kind")
    due = as_date("due_on", due_on)
    if due is None:
        raise DomainError("Enter the date the action is due.", field="due_on")
    return {"kind": kind, "description": text(description, field="description",
                                              label="what is to be done", required=True),
            "owner": _owner(school_id, owner), "due_on": due}


def _lock_action(action: Action, *, actor: Any, version: int) -> tuple[Incident, Action]:
    incident = lock_incident(action.incident, actor=actor, version=None)
    # of=("self",): PostgreSQL cannot lock the nullable side of the owner's outer join.
    current = (Action.objects.select_for_update(of=("self",)).select_related("owner")
               .get(pk=action.pk))
    if current.version != version:
        raise StaleVersion(STALE_MESSAGE, field="version")
    if current.state != Action.State.OPEN:
        raise DomainError(f"This action is {current.get_state_display().lower()}: it can no "
                          "longer be changed.")
    return incident, current


def _audit(action_code: str, incident: Incident, action: Action, actor: Any,
           changes: dict[str, Any]) -> None:
    audit_incident(action=action_code, incident=incident, actor=actor,
                   changes={"action": f"{action.get_kind_display()} action "
                                      f"{str(action.public_id)[:8]}", **changes})


def action_add(*, incident: Incident, actor: Any, kind: str, description: str, owner: Any,
               due_on: date | str | None) -> Action:
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=None)
        values = _values(current.school_id, kind=kind, description=description, owner=owner,
                         due_on=due_on)
        action = Action.objects.create(school_id=current.school_id, incident=current, **values)
        _audit("incidents.action.added", current, action, actor,
               diff(None, _snapshot(action), secret_fields=ACTION_SECRET_FIELDS))
    return action


def action_update(*, action: Action, actor: Any, version: int, kind: str, description: str,
                  owner: Any, due_on: date | str | None) -> Action:
    with transaction.atomic():
        incident, current = _lock_action(action, actor=actor, version=version)
        values = _values(current.school_id, kind=kind, description=description, owner=owner,
                         due_on=due_on)
        before = _snapshot(current)
        for name, value in values.items():
            setattr(current, name, value)
        changes = diff(before, _snapshot(current), secret_fields=ACTION_SECRET_FIELDS)
        if not changes:
            return current
        current.version += 1
        current.save()
        _audit("incidents.action.changed", incident, current, actor, changes)
    return current


def action_mark_done(*, action: Action, actor: Any, version: int) -> Action:
    with transaction.atomic():
        incident, current = _lock_action(action, actor=actor, version=version)
        current.state = Action.State.DONE
        current.done_at = timezone.now()
        current.version += 1
        current.save()
        _audit("incidents.action.done", incident, current, actor,
               diff({"state": Action.State.OPEN, "done_at": None},
                    {"state": current.state, "done_at": current.done_at}))
    return current


def action_drop(*, action: Action, actor: Any, version: int, reason: str) -> Action:
    why = text(reason, field="reason", label="why the action is dropped", required=True)
    with transaction.atomic():
        incident, current = _lock_action(action, actor=actor, version=version)
        current.state = Action.State.DROPPED
        current.drop_reason = why
        current.version += 1
        current.save()
        _audit("incidents.action.dropped", incident, current, actor,
               diff({"state": Action.State.OPEN, "drop_reason": ""},
                    {"state": current.state, "drop_reason": why},
                    secret_fields=ACTION_SECRET_FIELDS))
    return current
