"""Handling a request's record: correcting what was logged, recording the identity check,
and hiding the request from named members.

Each write runs in one transaction, is refused for anyone without ``requests.handle`` or from
whom the request is hidden (the command line and the demo are trusted), checks the version
the form was opened with, and writes one audit event targeting the request, with every field
that names or describes a person only as "changed" and the reference as the only label.
A change of what the clock counts from (the kind, the moment of receipt, the day exam
results are announced) works the deadline out again through ``clocks``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import CHANGED, audit_record, diff, snapshot
from schoolkeep.inforequests.clocks.deadline import long_date
from schoolkeep.inforequests.intake.services import (
    EARLIEST_RECEIPT,
    kind_problems,
    too_early_message,
)
from schoolkeep.inforequests.models import (
    PERSONAL_KINDS,
    RIGHTS_KINDS,
    Channel,
    Hold,
    IdentityMethod,
    Kind,
    Request,
    RequesterType,
    SearchTask,
    Status,
    SubjectType,
    WhoseRight,
)
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import clean_text
from schoolkeep.tenancy.guards import is_user, require_permission
from schoolkeep.tenancy.models import Membership, School

ACTION_LABELS = {
    "requests.request.changed": "Request's record changed",
    "requests.request.identity_recorded": "Identity check recorded",
    "requests.request.hidden_changed": "Members the request is hidden from changed",
}

# Fields that name or describe a person: encrypted at rest, "changed" in the audit trail.
SECRET_FIELDS = frozenset({"requester_name", "requester_contact", "authority_evidence",
                           "subject_name", "description", "child_note", "outcome_reason",
                           "late_reason", "recipients_told"})
# What ``request_update`` may change, and the limit of each text.
TEXT_LIMITS = {"requester_name": 200, "requester_contact": 500, "authority_evidence": 10_000,
               "subject_name": 200, "description": 10_000, "child_note": 2000}
EDITABLE_FIELDS = ("kind", "channel", "received_at", "requester_type", "requester_name",
                   "requester_contact", "authority_evidence", "subject_type", "subject_name",
                   "description", "whose_right", "child_competent", "child_consented",
                   "child_note", "results_announced_on")
CLOCK_FIELDS = frozenset({"kind", "received_at", "results_announced_on"})
RESULTS_WITHIN = 2 * 366  # days: results are announced within two years of the request
CHILD_FIELDS = ("whose_right", "child_competent", "child_consented", "child_note")
# The holds each family of kinds may have: a change of kind must keep them valid.
_RIGHTS_HOLDS = {Hold.Reason.IDENTITY, Hold.Reason.AUTHORITY, Hold.Reason.FEE,
                 Hold.Reason.CLARIFICATION}
_FOI_HOLDS = {Hold.Reason.CLARIFICATION, Hold.Reason.FEES_NOTICE}


# ---------------------------------------------------------------------------- shared


def _lock(request: Request, *, school: School, actor: Any, version: int | None) -> Request:
    """The request, row-locked, after checking it is this school's, that the actor may
    handle it (and it is not hidden from them), and that ``version`` is still current."""
    if request.school_id != school.pk:
        raise NotAllowed("This request belongs to another school.")
    require_permission(school=school, actor=actor, permission="requests.handle",
                       message="You may not handle requests in this school.")
    current = Request.objects.select_for_update().get(pk=request.pk)
    if is_user(actor) and current.hidden_from.filter(pk=actor.pk).exists():
        raise NotAllowed("This request is hidden from you.")
    if version is not None and current.version != version:
        raise stale_error(school=school, target=current, what="this request")
    return current


def _save(request: Request, fields: Iterable[str]) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


def _audit(*, action: str, request: Request, actor: Any, changes: dict[str, Any]) -> None:
    audit_record(action=action, school=request.school_id, actor=actor, target=request,
                 target_label=request.reference, changes=changes)


def _text(value: Any, *, field: str, label: str, required: bool = False) -> str:
    return clean_text(value, field=field, label=label, limit=TEXT_LIMITS[field],
                      required=required)


def _choice(value: Any, choices: Any, *, field: str, message: str,
            blank: bool = False) -> str:
    if (value in ("", None) and blank) or value in choices.values:
        return str(value or "")
    raise DomainError(message, field=field)


def _yes_no(value: Any, *, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise DomainError("Answer yes, no or not known.", field=field)


def _day(value: Any, *, field: str, label: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DomainError(f"Enter {label} as a date.", field=field)
    return value


def _clean(values: dict[str, Any], current: Request) -> dict[str, Any]:
    """The record as it would be with ``values``, checked as a whole: each rule is about
    the new values with the unchanged ones (a change of kind may make a field unneeded)."""
    for name in values:
        if name not in EDITABLE_FIELDS:
            raise DomainError("This cannot be changed here.", field=name)
    merged = {name: values.get(name, getattr(current, name)) for name in EDITABLE_FIELDS}
    kind = _choice(merged["kind"], Kind, field="kind", message="Choose what kind of request "
                   "this is.")
    personal = kind in PERSONAL_KINDS
    result: dict[str, Any] = {
        "kind": kind,
        "channel": _choice(merged["channel"], Channel, field="channel",
                           message="Choose how the request arrived."),
        "requester_type": _choice(merged["requester_type"], RequesterType,
                                  field="requester_type", message="Choose who asked."),
        "requester_name": tidy(_text(merged["requester_name"], field="requester_name",
                                     label="the name of the person who asked",
                                     required=True)),
        "requester_contact": _text(merged["requester_contact"], field="requester_contact",
                                   label="how to contact them"),
        "authority_evidence": _text(merged["authority_evidence"], field="authority_evidence",
                                    label="the evidence of authority"),
        "description": _text(merged["description"], field="description",
                             label="what they asked for", required=True),
    }
    received_at = merged["received_at"]
    if (not isinstance(received_at, datetime) or received_at.tzinfo is None
            or received_at.utcoffset() is None):
        raise DomainError("Enter the date and time the request was received.",
                          field="received_at")
    if received_at > timezone.now():
        raise DomainError("The request cannot have been received in the future.",
                          field="received_at")
    # The year first: a moment early in year 1 cannot be moved to London time.
    if (received_at.year < EARLIEST_RECEIPT.year
            or received_at.astimezone(LONDON).date() < EARLIEST_RECEIPT):
        raise DomainError(too_early_message("When the request was received"),
                          field="received_at")
    if received_at.astimezone(LONDON).year != current.reference_year:
        raise DomainError(f"The reference {current.reference} counts in "
                          f"{current.reference_year}: a request received in another year "
                          "needs a reference of that year, so log it again instead.",
                          field="received_at")
    result["received_at"] = received_at
    result["received_on"] = received_at.astimezone(LONDON).date()
    # About whom: only the kinds about a person; FOI and EIR are about information.
    subject_type = _choice(merged["subject_type"], SubjectType, field="subject_type",
                           message="Choose whom the request is about.", blank=True)
    if personal and not subject_type:
        raise DomainError("Choose whom the request is about.", field="subject_type")
    subject_name = tidy(_text(merged["subject_name"], field="subject_name",
                              label="the name of the person the request is about"))
    if personal and not subject_name and result["requester_type"] == RequesterType.SUBJECT:
        subject_name = result["requester_name"]  # someone asking about themselves
    if personal and not subject_name:
        raise DomainError("Enter the name of the person the request is about.",
                          field="subject_name")
    result["subject_type"] = subject_type if personal else ""
    result["subject_name"] = subject_name if personal else ""
    # Children: whose right it is, the child's competence and consent (a pupil only).
    if personal and subject_type == SubjectType.PUPIL:
        whose = _choice(merged["whose_right"], WhoseRight, field="whose_right",
                        message="Choose whose right this is.", blank=True)
        if whose == WhoseRight.PARENT_OWN and kind != Kind.EDUCATIONAL_RECORD:
            raise DomainError("A parent's own right is to see the educational record: for "
                              "this kind of request, the right is the child's.",
                              field="whose_right")
        result.update(
            whose_right=whose,
            child_competent=_yes_no(merged["child_competent"], field="child_competent"),
            child_consented=_yes_no(merged["child_consented"], field="child_consented"),
            child_note=_text(merged["child_note"], field="child_note",
                             label="the note about the child"))
    else:
        result.update(whose_right="", child_competent=None, child_consented=None,
                      child_note="")
    # Exam marks: the day the results are announced, when known.
    announced = _day(merged["results_announced_on"], field="results_announced_on",
                     label="the day the results are announced")
    if kind != Kind.EXAM_MARKS:
        announced = None
    elif announced is not None and announced < result["received_on"]:
        raise DomainError("The results are announced after the request (a request for exam "
                          "marks is made before they are published).",
                          field="results_announced_on")
    elif announced is not None and (announced - result["received_on"]).days > RESULTS_WITHIN:
        raise DomainError("Results are announced within two years of the request: check the "
                          "year.", field="results_announced_on")
    result["results_announced_on"] = announced
    return result


def _refuse_kind_change(current: Request, kind: str) -> None:
    """A change of kind must leave the holds and extensions valid for the new kind."""
    if kind == current.kind:
        return
    if current.status != Status.OPEN:
        raise DomainError("This request is no longer open, so its kind cannot change.",
                          field="kind")
    if current.extensions.exists():
        raise DomainError("An extension was recorded under the present kind, so the kind "
                          "cannot change.", field="kind")
    allowed = _RIGHTS_HOLDS if kind in RIGHTS_KINDS else _FOI_HOLDS if kind in (
        Kind.FOI, Kind.EIR) else set()
    reasons = set(current.holds.values_list("reason", flat=True))
    if reasons - allowed:
        raise DomainError("Something was asked of the requester that this kind of request "
                          "does not allow, so the kind cannot change.", field="kind")


def _refuse_open_searches(request: Request, newly_hidden: list[Any]) -> None:
    """A member asked to search for this request who has not done it would keep a search
    they could no longer open: it is reassigned first (or recorded as not needed)."""
    if not newly_hidden:
        return
    names = {user.pk: str(user) for user in newly_hidden}
    tasks = (SearchTask.objects.filter(request=request, state=SearchTask.State.OPEN,
                                       assignee_id__in=list(names))
             .order_by("assignee_id", "place", "pk").values_list("assignee_id", "place"))
    places: dict[int, list[str]] = {}
    for assignee_id, place in tasks:
        places.setdefault(assignee_id, []).append(place)
    if places:
        who = "; ".join(f"{names[pk]} ({', '.join(found)})" for pk, found in places.items())
        raise DomainError(f"Reassign their open searches first, or record them as not "
                          f"needed: {who}. Someone the request is hidden from could no "
                          "longer open them.", field="hidden_from")


def _refuse_receipt_after(current: Request, received_on: date) -> None:
    """The request is received before anything recorded about it: a pause asked of the
    requester, an extension decided, the identity checked, a complaint acknowledged."""
    if received_on <= current.received_on:
        return
    later: list[tuple[date, str]] = []
    asked = current.holds.order_by("asked_on").values_list("asked_on", flat=True).first()
    if asked is not None:
        later.append((asked, "something was asked of the requester"))
    decided = (current.extensions.order_by("decided_on")
               .values_list("decided_on", flat=True).first())
    if decided is not None:
        later.append((decided, "an extension was decided"))
    if current.identity_checked_on is not None:
        later.append((current.identity_checked_on, "the identity was checked"))
    if current.acknowledged_on is not None:
        later.append((current.acknowledged_on, "the complaint was acknowledged"))
    for day, what in sorted(later):
        if day < received_on:
            raise DomainError(f"The request was received before {what} on {long_date(day)}: "
                              "enter a time of receipt on or before that day.",
                              field="received_at")


# ---------------------------------------------------------------------------- the record


def request_update(*, school: School, actor: Any, request: Request, version: int,
                   **fields: Any) -> Request:
    """Correct the record of a request: only the fields given change (``EDITABLE_FIELDS``).
    Refused with ``StaleVersion`` when someone changed it since ``version``. A change of the
    kind, the moment of receipt or the day results are announced moves the deadline; on a
    request no longer open, those stay as they were."""
    with transaction.atomic():
        current = _lock(request, school=school, actor=actor, version=version)
        values = _clean(fields, current)
        _refuse_kind_change(current, values["kind"])
        if any(values[name] != getattr(current, name)
               for name in ("kind", "channel", "requester_contact")):
            # The rules of the kind for this school (FOI in writing, with an address; no FOI
            # at an independent school; the educational record at a maintained school).
            problems = kind_problems(school, kind=values["kind"], channel=values["channel"],
                                     requester_contact=values["requester_contact"])
            if problems:
                raise problems[0]
        _refuse_receipt_after(current, values["received_on"])
        names = [*EDITABLE_FIELDS, "received_on"]
        before = snapshot(current, names)
        moving = [name for name in CLOCK_FIELDS if values[name] != before[name]]
        if moving and current.status != Status.OPEN:
            raise DomainError("This request is no longer open, so what its deadline counts "
                              "from cannot change.", field=moving[0])
        for name, value in values.items():
            setattr(current, name, value)
        changes = diff(before, snapshot(current, names), secret_fields=SECRET_FIELDS)
        if not changes:
            return current
        _save(current, names)
        if moving:
            from schoolkeep.inforequests.clocks.deadline import clock_refresh

            due_before = current.due_on
            clock_refresh(current)
            changes |= diff({"due_on": due_before}, {"due_on": current.due_on})
        _audit(action="requests.request.changed", request=current, actor=actor,
               changes=changes)
    return current


def request_identity_record(*, school: School, actor: Any, request: Request,
                            method: str, checked_on: date,
                            version: int | None = None) -> Request:
    """Record how the requester's identity was checked (the type of document or check,
    never a copy of it), on which day, and by whom (the actor)."""
    method = _choice(method, IdentityMethod, field="method",
                     message="Choose how the identity was checked.")
    day = _day(checked_on, field="checked_on", label="the day it was checked")
    if day is None:
        raise DomainError("Enter the day the identity was checked.", field="checked_on")
    if day > timezone.localdate():
        raise DomainError("The identity cannot have been checked in the future.",
                          field="checked_on")
    with transaction.atomic():
        current = _lock(request, school=school, actor=actor, version=version)
        if day < current.received_on:
            raise DomainError("The identity is checked for this request, so on or after the "
                              "day it was received.", field="checked_on")
        names = ["identity_method", "identity_checked_on", "identity_checked_by_id"]
        before = snapshot(current, names)
        current.identity_method = method
        current.identity_checked_on = day
        current.identity_checked_by = actor if is_user(actor) else None
        changes = diff(before, snapshot(current, names))
        if not changes:
            return current
        _save(current, ["identity_method", "identity_checked_on", "identity_checked_by"])
        _audit(action="requests.request.identity_recorded", request=current, actor=actor,
               changes=changes)
    return current


def request_hide(*, school: School, actor: Any, request: Request, hidden_from: list[Any],
                 version: int | None = None) -> Request:
    """Hide the request from these members of the school (the list replaces the one
    before; empty shows it to everyone who may see requests again). The SIRO may be one of
    them (a request about the SIRO); the actor may not hide it from themselves. In the audit
    trail the members appear only as "changed", with how many there are: the list itself
    could say whom the request is about."""
    users = {user.pk: user for user in hidden_from}
    if is_user(actor) and actor.pk in users:
        raise DomainError("You cannot hide a request from yourself: you would no longer see "
                          "it.", field="hidden_from")
    with transaction.atomic():
        current = _lock(request, school=school, actor=actor, version=version)
        members = set(Membership.objects.filter(
            school=school, is_active=True, user_id__in=list(users)).values_list(
            "user_id", flat=True))
        old = set(current.hidden_from.values_list("pk", flat=True))
        # Someone it is hidden from who has since left stays hidden (should they return).
        if set(users) - members - old:
            raise DomainError("Choose members of this school.", field="hidden_from")
        if old == set(users):
            return current
        _refuse_open_searches(current, [users[pk] for pk in users if pk not in old])
        current.hidden_from.set(get_user_model().objects.filter(pk__in=list(users)))
        _save(current, [])
        _audit(action="requests.request.hidden_changed", request=current, actor=actor,
               changes={"hidden_from": {"before": CHANGED, "after": CHANGED},
                        "hidden_from_count": {"before": len(old), "after": len(users)}})
    return current
