"""How a request moves on once it is logged: the pauses (something asked of the requester),
the extensions (more time, where the law allows it) and the end (answered, acknowledged for a
complaint, or withdrawn).

Every write here runs in one transaction, is refused for anyone without ``requests.handle``
(and for a handler the request is hidden from; the command line, the API's trusted callers
and the demo pass ``actor=None``), locks the request's row, checks the rules of its kind,
works the clock out again through ``clocks.deadline.clock_refresh`` (the only place a
deadline is computed) and writes one audit event on the request, whose label is the
reference only. Reasons and notes describe people: they are encrypted at rest and appear in
the trail only as "changed". The deadline before and after is recorded, so the history shows
how it moved.

The rules, in the words the forms show:
- a pause needs a note saying what was asked; under freedom of information (and the
  environmental regulations) only a clarification or a fees notice pauses the clock; for the
  rights (and exam marks, a subject access request with its own deadline), proof of
  identity, evidence of authority, a fee or a clarification; a complaint and the educational
  record have no pause in law. One open pause of each reason at a time; its answer comes on or after
  the day it was asked, never in the future. A pause asked after the deadline is refused (it
  would hide the lateness): for a clarification under FOI or the EIR, after the 20 working
  days;
- an extension needs its reason. For the rights (and exam marks asked for on or after results
  day, which run the rights' month): up to two months in all, decided and told within the
  first month. Freedom of information: up to 20 working days in all, for the public interest
  test, decided and told within the 20 working days. Environmental information: once, 20
  working days, decided and told within the 20. No other kind may be extended;
- the response: an outcome that fits the kind (complaints have their own), a reason for a
  refusal, a reason when it is sent after the deadline (judged on the clock worked out again
  first: an extension not told in time has lapsed), and for erasure, rectification and
  restriction the recipients told (Article 19: "No one: the data was not shared" is an
  answer) and when;
- a complaint is acknowledged once, with the reason for the delay when after its 30 days; a
  withdrawal needs its reason (kept, encrypted, as the request's ``outcome_reason``: a
  withdrawn request has no other outcome);
- answering or withdrawing closes every pause still open on that day (recorded in the same
  audit event as "closed with the request"): nothing waits on a closed request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import CHANGED, audit_record, diff, snapshot
from schoolkeep.inforequests.clocks.deadline import clock_refresh, runs_rights_clock, work_out
from schoolkeep.inforequests.models import (
    PUBLIC_INFORMATION_KINDS,
    REFUSALS,
    RIGHTS_KINDS,
    Channel,
    Extension,
    Hold,
    Kind,
    Outcome,
    Request,
    Status,
)
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import clean_text
from schoolkeep.tenancy.guards import is_user, require_permission

ACTION_LABELS = {
    "requests.hold.asked": "Clock paused: something asked of the requester",
    "requests.hold.answered": "The requester answered: the clock runs again",
    "requests.extension.added": "Deadline extended",
    "requests.extension.told": "Requester told of the extension",
    "requests.request.answered": "Response sent",
    "requests.complaint.acknowledged": "Complaint acknowledged",
    "requests.request.withdrawn": "Request withdrawn",
}

TEXT_MAX = 10_000
# Narrative fields of the request written here: in the trail only as "changed".
SECRET = {"before": CHANGED, "after": CHANGED}
SECRET_FIELDS = ["outcome_reason", "late_reason", "recipients_told", "note", "reason"]
CLOCK_FIELDS = ["due_on", "waiting_since", "extension_tell_by", "clock_starts_on"]

# What may pause the clock, by kind (a hold of another reason is refused, naming the field).
RIGHTS_HOLDS = (Hold.Reason.IDENTITY, Hold.Reason.AUTHORITY, Hold.Reason.FEE,
                Hold.Reason.CLARIFICATION)
PUBLIC_INFORMATION_HOLDS = (Hold.Reason.CLARIFICATION, Hold.Reason.FEES_NOTICE)

# Extensions: the rights in months (two in all), FOI in working days (20 in all), EIR once 20.
RIGHTS_EXTENSION_MONTHS = 2
FOI_EXTENSION_DAYS = 20
EIR_EXTENSION_DAYS = 20

COMPLAINT_OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)
ANSWERED_OUTCOMES = (Outcome.FULL, Outcome.PARTIAL, Outcome.NOTHING_HELD, Outcome.FEE_CHARGED)
OUTCOMES_BY_KIND: dict[str, tuple[str, ...]] = {
    **{kind: (*ANSWERED_OUTCOMES, Outcome.REFUSED_UNFOUNDED, Outcome.REFUSED_EXCESSIVE,
              Outcome.REFUSED_EXEMPT) for kind in RIGHTS_KINDS},
    Kind.EXAM_MARKS: (*ANSWERED_OUTCOMES, Outcome.REFUSED_UNFOUNDED,
                      Outcome.REFUSED_EXCESSIVE, Outcome.REFUSED_EXEMPT),
    Kind.EDUCATIONAL_RECORD: (*ANSWERED_OUTCOMES, Outcome.REFUSED_EXEMPT),
    Kind.FOI: (*ANSWERED_OUTCOMES, Outcome.REFUSED_EXEMPT, Outcome.REFUSED_COST,
               Outcome.REFUSED_VEXATIOUS),
    Kind.EIR: (*ANSWERED_OUTCOMES, Outcome.REFUSED_EXEMPT, Outcome.REFUSED_COST,
               Outcome.REFUSED_VEXATIOUS),
    Kind.COMPLAINT: COMPLAINT_OUTCOMES,
}
# Article 19: who the data was shared with is told of a rectification, an erasure or a
# restriction (Articles 16, 17(1) and 18(1)).
RECIPIENT_KINDS = frozenset({Kind.ERASURE, Kind.RECTIFICATION, Kind.RESTRICTION})
# Ways a response may be sent (the public page and the API bring requests in, not out).
RESPONSE_CHANNELS = tuple(c for c in Channel.values
                          if c not in (Channel.PUBLIC_PAGE, Channel.API))


# ---------------------------------------------------------------------------- rules (pure)


def hold_reasons_for(kind: str) -> tuple[str, ...]:
    """The reasons a request of this kind may wait for the requester (empty: none)."""
    if kind in RIGHTS_KINDS or kind == Kind.EXAM_MARKS:
        return RIGHTS_HOLDS
    if kind in PUBLIC_INFORMATION_KINDS:
        return PUBLIC_INFORMATION_HOLDS
    return ()


def outcomes_for(kind: str) -> tuple[str, ...]:
    return OUTCOMES_BY_KIND.get(kind, ())


def _rule_kind(of: Request | str) -> str:
    """The kind whose extension rules apply: a request of exam marks whose clock started on
    or after results day runs the rights' month, so it extends as subject access does."""
    if isinstance(of, str):
        return of
    return Kind.SUBJECT_ACCESS if runs_rights_clock(of) else of.kind


def extension_unit(of: Request | str) -> str:
    """"months" for the rights, "working days" for FOI and EIR, "" when none is allowed (a
    kind, or a request: exam marks running the rights' month extend by months)."""
    kind = _rule_kind(of)
    if kind in RIGHTS_KINDS:
        return "months"
    if kind in PUBLIC_INFORMATION_KINDS:
        return "working days"
    return ""


def extension_room(of: Request | str, extensions: list[Extension]) -> int:
    """How much more the deadline may be extended (months or working days)."""
    kind = _rule_kind(of)
    used = sum(e.amount for e in extensions)
    if kind in RIGHTS_KINDS:
        return max(RIGHTS_EXTENSION_MONTHS - used, 0)
    if kind == Kind.FOI:
        return max(FOI_EXTENSION_DAYS - used, 0)
    if kind == Kind.EIR:
        return 0 if extensions else EIR_EXTENSION_DAYS
    return 0


def extension_decide_by(request: Request) -> date | None:
    """The last day an extension may be decided and told to the requester: the end of the
    first month for the rights, the 20-working-day deadline for FOI and EIR (the clock's
    ``extension_tell_by``)."""
    if runs_rights_clock(request) or request.kind in PUBLIC_INFORMATION_KINDS:
        return request.extension_tell_by
    return None


def is_late(request: Request, responded_on: date) -> bool:
    """Answered after the deadline. A complaint's only deadline is its acknowledgement."""
    if request.kind == Kind.COMPLAINT:
        return request.acknowledged_on is None and responded_on > request.due_on
    return responded_on > request.due_on


# ---------------------------------------------------------------------------- shared


def today() -> date:
    return timezone.localdate(timezone.now(), LONDON)


def _day(value: Any, *, field: str, label: str, request: Request,
         required: bool = True) -> date | None:
    """A day that has happened, on or after the request arrived."""
    if value in (None, ""):
        if required:
            raise DomainError(f"Enter {label}.", field=field)
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise DomainError(f"Enter {label} as a real date.", field=field) from None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise DomainError(f"Enter {label} as a real date.", field=field)
    if value > today():
        raise DomainError(f"{label[0].upper()}{label[1:]} is in the future: record it once "
                          "it has happened.", field=field)
    if value < request.received_on:
        raise DomainError(f"{label[0].upper()}{label[1:]} is before the request arrived "
                          f"({_words(request.received_on)}).", field=field)
    return value


def _words(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _refresh(request: Request) -> None:
    clock_refresh(request)


def lock_request(request: Request, *, school: Any, actor: Any, version: int | None,
                 allow_closed: bool = False) -> Request:
    """The request, row-locked, after checking that it is this school's, that the actor
    may handle it and is not hidden from it, that ``version`` (the one the form was opened
    with; None to skip) is current and that it is still open."""
    school_id = getattr(school, "pk", school)
    if request.school_id != school_id:
        raise NotAllowed("This request belongs to another school.")
    require_permission(school=school_id, actor=actor, permission="requests.handle",
                       message="You may not handle requests in this school.")
    current = Request.objects.select_for_update().get(pk=request.pk)
    if is_user(actor) and current.hidden_from.filter(pk=actor.pk).exists():
        raise NotAllowed("This request is hidden from you.")
    if version is not None and current.version != version:
        raise stale_error(school=school_id, target=current, what="this request")
    if current.status != Status.OPEN and not allow_closed:
        raise DomainError(f"This request is {current.get_status_display().lower()}: it "
                          "cannot be changed any more.")
    return current


def _save(request: Request, fields: list[str]) -> None:
    request.version += 1
    request.full_clean(exclude=["hidden_from"])
    request.save(update_fields=[*fields, "version", "updated_at"])


def _clock_changes(before: dict[str, Any], request: Request) -> dict[str, Any]:
    return dict(diff(before, snapshot(request, CLOCK_FIELDS)))


def _audit(*, action: str, request: Request, actor: Any, changes: dict[str, Any]) -> None:
    audit_record(action=action, school=request.school_id, actor=actor, target=request,
                 target_label=request.reference, changes=changes)


def _user(actor: Any) -> Any:
    return actor if is_user(actor) else None


# ---------------------------------------------------------------------------- holds


def _too_late_to_pause(current: Request, *, hold: Hold) -> None:
    """Refuse a pause that would move nothing: asked after the deadline it would move (for a
    clarification under FOI or the EIR, after the 20 working days). The clock decides, as it
    does for holds that came in another way."""
    existing = list(Hold.objects.filter(request=current))
    extensions = list(Extension.objects.filter(request=current))
    clock = work_out(current, holds=[*existing, hold], extensions=extensions)
    for ignored, limit in clock.ignored:
        if ignored is not hold:
            continue
        if current.kind in PUBLIC_INFORMATION_KINDS and \
                hold.reason == Hold.Reason.CLARIFICATION:
            raise DomainError(f"A clarification must be asked within the 20 working days, by "
                              f"{_words(limit)}: asked on {_words(hold.asked_on)}, it would "
                              "not start the count again. Answer the request as it stands.",
                              field="asked_on")
        raise DomainError(f"{_words(hold.asked_on)} is after the deadline ({_words(limit)}): "
                          "asking the requester now does not stop the clock. Record the "
                          "response, with the reason for the delay.", field="asked_on")


def hold_ask(*, school: Any, actor: Any, request: Request, reason: str, asked_on: date,
             note: str = "", version: int | None = None) -> Hold:
    """Record that the school asked the requester for something (proof of identity, evidence
    of authority, a fee, a clarification, a fees notice): the clock waits from ``asked_on``,
    which must be on or before the deadline."""
    what = clean_text(note, field="note", label="what was asked of the requester, and why",
                      required=True, limit=TEXT_MAX)
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        before = snapshot(current, CLOCK_FIELDS)
        allowed = hold_reasons_for(current.kind)
        if not allowed:
            raise DomainError(f"A {current.get_kind_display().lower()} cannot be paused: its "
                              "deadline runs whatever is asked of the requester.",
                              field="reason")
        if reason not in allowed:
            names = ", ".join(Hold.Reason(r).label.lower() for r in allowed)
            raise DomainError(f"For this kind of request only these pause the clock: {names}.",
                              field="reason")
        asked = _day(asked_on, field="asked_on", label="the day it was asked for",
                     request=current)
        assert asked is not None
        if Hold.objects.filter(request=current, reason=reason, answered_on__isnull=True).exists():
            raise DomainError(f"The school is already waiting for "
                              f"{Hold.Reason(reason).label.lower()}: record that answer "
                              "first.", field="reason")
        hold = Hold(request=current, reason=reason, asked_on=asked, note=what,
                    created_by=_user(actor))
        hold.full_clean()
        _too_late_to_pause(current, hold=hold)
        hold.save()
        _save(current, [])
        _refresh(current)
        _audit(action="requests.hold.asked", request=current, actor=actor, changes={
            "reason": Hold.Reason(reason).label, "asked_on": asked.isoformat(),
            "note": SECRET, **_clock_changes(before, current)})
    return hold


def hold_answer(*, school: Any, actor: Any, request: Request, hold: Hold, answered_on: date,
                version: int | None = None) -> Hold:
    """Record the day the requester's answer arrived: the clock runs again (for identity,
    authority or a fee the month restarts from that day)."""
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        found = Hold.objects.select_for_update().filter(pk=hold.pk, request=current).first()
        if found is None:
            raise DomainError("That pause is not one of this request's.", field="hold")
        if found.answered_on is not None:
            raise DomainError(f"This answer was already recorded, on "
                              f"{_words(found.answered_on)}.", field="answered_on")
        answered = _day(answered_on, field="answered_on", label="the day the answer arrived",
                        request=current)
        assert answered is not None
        if answered < found.asked_on:
            raise DomainError("The answer cannot arrive before it was asked for "
                              f"({_words(found.asked_on)}).", field="answered_on")
        found.answered_on = answered
        found.full_clean()
        found.save(update_fields=["answered_on"])
        before = snapshot(current, CLOCK_FIELDS)
        _save(current, [])
        _refresh(current)
        _audit(action="requests.hold.answered", request=current, actor=actor, changes={
            "reason": found.get_reason_display(), "asked_on": found.asked_on.isoformat(),
            "answered_on": answered.isoformat(), **_clock_changes(before, current)})
    return found


def _close_holds(current: Request, day: date, *, field: str, label: str) -> list[str]:
    """Close every pause still open on the day the request closes (answered or withdrawn):
    nothing waits on a closed request. What was closed, for the audit event."""
    still_open = list(Hold.objects.select_for_update()
                      .filter(request=current, answered_on__isnull=True)
                      .order_by("asked_on", "pk"))
    for hold in still_open:
        if hold.asked_on > day:
            raise DomainError(f"{label} is before {hold.get_reason_display().lower()} was "
                              f"asked for ({_words(hold.asked_on)}).", field=field)
    closed = []
    for hold in still_open:
        hold.answered_on = day
        hold.full_clean()
        hold.save(update_fields=["answered_on"])
        closed.append(f"{hold.get_reason_display()} asked on {hold.asked_on.isoformat()}: "
                      f"closed with the request on {day.isoformat()}")
    return closed


# ---------------------------------------------------------------------------- extensions


def _check_extension(request: Request, *, amount: Any, decided: date,
                     told: date | None) -> int:
    unit = extension_unit(request)
    if not unit:
        if request.kind == Kind.EXAM_MARKS:
            raise DomainError("Exam marks asked for before the results are announced cannot "
                              "be extended: the deadline is fixed in law.", field="amount")
        raise DomainError(f"A {request.get_kind_display().lower()} cannot be extended: its "
                          "deadline is fixed in law.", field="amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise DomainError(f"Enter the extension as a whole number of {unit}.", field="amount")
    existing = list(Extension.objects.filter(request=request))
    room = extension_room(request, existing)
    if request.kind == Kind.EIR:
        if existing:
            raise DomainError("An environmental information request can be extended only "
                              "once.", field="amount")
        if amount != EIR_EXTENSION_DAYS:
            raise DomainError("An environmental information request is extended by 20 "
                              "working days, when it is complex and voluminous.",
                              field="amount")
    elif amount > room:
        limit = (f"{RIGHTS_EXTENSION_MONTHS} months" if unit == "months"
                 else f"{FOI_EXTENSION_DAYS} working days")
        left = f"{room} more {unit[:-1] if room == 1 else unit}" if room else "no more"
        raise DomainError(f"The deadline may be extended by {limit} in all: {left} can be "
                          "added.", field="amount")
    decide_by = extension_decide_by(request)
    if decide_by is not None and decided > decide_by:
        raise DomainError(f"Too late to extend: {_tell_within(request)}, by "
                          f"{_words(decide_by)}.", field="decided_on")
    if told is not None:
        _check_told(request, told=told, decided=decided)
    elif decide_by is not None and today() > decide_by:
        raise DomainError(f"{_tell_within(request)[0].upper()}{_tell_within(request)[1:]}, "
                          f"by {_words(decide_by)}: enter the day they were told, or the "
                          "extension does not count.", field="told_on")
    return amount


def _tell_within(request: Request) -> str:
    if request.kind in PUBLIC_INFORMATION_KINDS:
        return "the requester must be told within the 20 working days"
    return "the requester must be told within the first month"


def _check_told(request: Request, *, told: date, decided: date) -> None:
    if told < decided:
        raise DomainError("The requester cannot be told before the extension was decided "
                          f"({_words(decided)}).", field="told_on")
    tell_by = extension_decide_by(request)
    if tell_by is not None and told > tell_by:
        raise DomainError(f"{_tell_within(request)[0].upper()}{_tell_within(request)[1:]}, "
                          f"by {_words(tell_by)}: told later, the extension does not count.",
                          field="told_on")


def extension_add(*, school: Any, actor: Any, request: Request, amount: int, reason: str,
                  decided_on: date, told_on: date | None = None,
                  version: int | None = None) -> Extension:
    """Extend the deadline: months for the rights, working days for FOI and EIR, with the
    reason (told to the requester, who must be told within the first month for the rights
    and within the 20 working days for FOI and EIR)."""
    why = clean_text(reason, field="reason", label="the reason for the extension", required=True,
                     limit=TEXT_MAX)
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        before = snapshot(current, CLOCK_FIELDS)
        _refresh(current)  # the tell-by day as of today
        decided = _day(decided_on, field="decided_on", label="the day it was decided",
                       request=current)
        told = _day(told_on, field="told_on", label="the day the requester was told",
                    request=current, required=False)
        assert decided is not None
        months_or_days = _check_extension(current, amount=amount, decided=decided, told=told)
        extension = Extension(request=current, amount=months_or_days, reason=why,
                              decided_on=decided, told_on=told, created_by=_user(actor))
        extension.full_clean()
        extension.save()
        _save(current, [])
        _refresh(current)
        _audit(action="requests.extension.added", request=current, actor=actor, changes={
            "amount": f"{months_or_days} {extension_unit(current)}",
            "decided_on": decided.isoformat(),
            "told_on": told.isoformat() if told else None, "reason": SECRET,
            **_clock_changes(before, current)})
    return extension


def extension_told(*, school: Any, actor: Any, request: Request, extension: Extension,
                   told_on: date, version: int | None = None) -> Extension:
    """Record the day the requester was told of an extension and its reason."""
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        before = snapshot(current, CLOCK_FIELDS)
        found = (Extension.objects.select_for_update()
                 .filter(pk=extension.pk, request=current).first())
        if found is None:
            raise DomainError("That extension is not one of this request's.",
                              field="extension")
        if found.told_on is not None:
            raise DomainError(f"The requester was already recorded as told, on "
                              f"{_words(found.told_on)}.", field="told_on")
        told = _day(told_on, field="told_on", label="the day the requester was told",
                    request=current)
        assert told is not None
        _refresh(current)
        _check_told(current, told=told, decided=found.decided_on)
        found.told_on = told
        found.full_clean()
        found.save(update_fields=["told_on"])
        _save(current, [])
        _refresh(current)
        _audit(action="requests.extension.told", request=current, actor=actor, changes={
            "decided_on": found.decided_on.isoformat(), "told_on": told.isoformat(),
            **_clock_changes(before, current)})
    return found


# ---------------------------------------------------------------------------- the end

RESPONSE_FIELDS = ["status", "responded_on", "response_channel", "outcome", "outcome_reason",
                   "late_reason", "recipients_told", "recipients_told_on", "acknowledged_on"]


def request_respond(*, school: Any, actor: Any, request: Request, responded_on: date,
                    outcome: str, response_channel: str, outcome_reason: str = "",
                    late_reason: str = "", recipients_told: str = "",
                    recipients_told_on: date | None = None,
                    version: int | None = None) -> Request:
    """Record the response sent: the request is answered, its clock stops and any pause
    still open is closed that day. Lateness is judged on the clock worked out again as of
    that day. A complaint answered before it was acknowledged is acknowledged by the answer."""
    reason = clean_text(outcome_reason, field="outcome_reason", label="the reason", limit=TEXT_MAX)
    late_why = clean_text(late_reason, field="late_reason", label="the reason for the delay",
                          limit=TEXT_MAX)
    recipients = clean_text(recipients_told, field="recipients_told",
                            label="who was told of the change", limit=2000)
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        before = snapshot(current, RESPONSE_FIELDS)
        clock_before = snapshot(current, CLOCK_FIELDS)
        allowed = outcomes_for(current.kind)
        if outcome not in allowed:
            if current.kind == Kind.COMPLAINT:
                message = "Choose whether the complaint was upheld, partly upheld or not."
            elif outcome in COMPLAINT_OUTCOMES:
                message = "Upheld or not is the outcome of a complaint: choose how this " \
                          "request was answered."
            else:
                message = "Choose an outcome that fits this kind of request."
            raise DomainError(message, field="outcome")
        if response_channel not in RESPONSE_CHANNELS:
            raise DomainError("Choose how the response was sent.", field="response_channel")
        responded = _day(responded_on, field="responded_on",
                         label="the day the response was sent", request=current)
        assert responded is not None
        if outcome in REFUSALS and not reason:
            raise DomainError("Give the reason for refusing: the requester must be told it, "
                              "with their right to complain to the ICO.",
                              field="outcome_reason")
        told_on = None
        needs_recipients = (current.kind in RECIPIENT_KINDS and outcome not in REFUSALS
                            and outcome != Outcome.NOTHING_HELD)
        if needs_recipients:
            if not recipients:
                raise DomainError("Say who the data was shared with and was told of the "
                                  "change (or \"No one: the data was not shared\").",
                                  field="recipients_told")
            told_on = _day(recipients_told_on, field="recipients_told_on",
                           label="the day they were told", request=current)
        holds_closed = _close_holds(current, responded, field="responded_on",
                                    label="The day the response was sent")
        current.status = Status.ANSWERED
        current.responded_on = responded
        # The clock as of the day it was sent (waits closed, an extension not told in time
        # left out) BEFORE judging whether it was late.
        _refresh(current)
        late = is_late(current, responded)
        if late and not late_why:
            raise DomainError(f"The response was sent after the deadline "
                              f"({_words(current.due_on)}): give the reason for the delay.",
                              field="late_reason")
        current.response_channel = response_channel
        current.outcome = outcome
        current.outcome_reason = reason
        if current.kind == Kind.COMPLAINT and current.acknowledged_on is not None:
            pass  # acknowledged before: the reason for a late acknowledgement is kept
        else:
            current.late_reason = late_why if late else ""
        current.recipients_told = recipients if needs_recipients else ""
        current.recipients_told_on = told_on
        if current.kind == Kind.COMPLAINT and current.acknowledged_on is None:
            current.acknowledged_on = responded
        _save(current, RESPONSE_FIELDS)
        _refresh(current)
        changes = {**diff(before, snapshot(current, RESPONSE_FIELDS),
                          secret_fields=SECRET_FIELDS),
                   "late": late, **_clock_changes(clock_before, current)}
        if holds_closed:
            changes["holds_closed"] = holds_closed
        _audit(action="requests.request.answered", request=current, actor=actor,
               changes=changes)
    return current


def complaint_acknowledge(*, school: Any, actor: Any, request: Request,
                          acknowledged_on: date, late_reason: str = "",
                          version: int | None = None) -> Request:
    """Record the day a complaint was acknowledged (due within 30 days of receipt; after
    them, with the reason for the delay); it is then tracked to its outcome without a legal
    deadline."""
    late_why = clean_text(late_reason, field="late_reason", label="the reason for the delay",
                          limit=TEXT_MAX)
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        clock_before = snapshot(current, CLOCK_FIELDS)
        if current.kind != Kind.COMPLAINT:
            raise DomainError("Only a complaint is acknowledged: answer this request "
                              "instead.", field="acknowledged_on")
        if current.acknowledged_on is not None:
            raise DomainError(f"This complaint was already acknowledged, on "
                              f"{_words(current.acknowledged_on)}.", field="acknowledged_on")
        acknowledged = _day(acknowledged_on, field="acknowledged_on",
                            label="the day it was acknowledged", request=current)
        assert acknowledged is not None
        _refresh(current)  # the deadline worked out again before judging lateness
        late = acknowledged > current.due_on
        if late and not late_why:
            raise DomainError(f"The complaint was acknowledged after its 30 days "
                              f"({_words(current.due_on)}): give the reason for the delay.",
                              field="late_reason")
        current.acknowledged_on = acknowledged
        current.late_reason = late_why if late else ""
        _save(current, ["acknowledged_on", "late_reason"])
        _refresh(current)
        changes: dict[str, Any] = {
            "acknowledged_on": {"before": None, "after": acknowledged.isoformat()},
            "late": late, **_clock_changes(clock_before, current)}
        if late:
            changes["late_reason"] = SECRET
        _audit(action="requests.complaint.acknowledged", request=current, actor=actor,
               changes=changes)
    return current


def request_withdraw(*, school: Any, actor: Any, request: Request, withdrawn_on: date,
                     reason: str, version: int | None = None) -> Request:
    """Record that the requester withdrew the request (or it was closed at their word): the
    clock stops, any pause still open is closed that day and no response is due. The reason
    is kept as the request's outcome reason."""
    why = clean_text(reason, field="reason", label="why the request was withdrawn", required=True,
                     limit=TEXT_MAX)
    with transaction.atomic():
        current = lock_request(request, school=school, actor=actor, version=version)
        withdrawn = _day(withdrawn_on, field="withdrawn_on",
                         label="the day it was withdrawn", request=current)
        assert withdrawn is not None
        fields = ["status", "withdrawn_on", "outcome_reason"]
        before = snapshot(current, fields)
        clock_before = snapshot(current, CLOCK_FIELDS)
        holds_closed = _close_holds(current, withdrawn, field="withdrawn_on",
                                    label="The day it was withdrawn")
        current.status = Status.WITHDRAWN
        current.withdrawn_on = withdrawn
        current.outcome_reason = why
        _save(current, fields)
        _refresh(current)
        changes = {**diff(before, snapshot(current, fields), secret_fields=SECRET_FIELDS),
                   **_clock_changes(clock_before, current)}
        if holds_closed:
            changes["holds_closed"] = holds_closed
        _audit(action="requests.request.withdrawn", request=current, actor=actor,
               changes=changes)
    return current
