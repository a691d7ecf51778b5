"""Requests in the JSON API (``/api/v1/requests``): the same services and the same rules
as the pages.

- ``POST`` logs a request (``requests.log``: every school role); the body names the school
  by its slug. It goes through ``intake.services.request_log`` and answers 201 with the
  request's ``id``, ``reference`` and ``due_on`` (worked out by the clocks at once).
  ``received_on`` is the day it arrived (its instant is taken as the start of that day, UK
  time, or now when the day is today); ``received_at`` an instant with its offset; neither:
  now.
- ``GET ?school=`` lists the school's requests for who holds ``requests.view`` (DPO, SIRO,
  auditor), except those hidden from the caller: reference, kind, status and the clock,
  never a name.
- ``GET /{id}?school=`` reads one, with its pauses and extensions and how the deadline
  moved. **Names and narrative** (who asked and about whom, what they asked for, the notes of
  pauses, the reasons of extensions and of the outcome) **are given only to who may handle
  the request** (``requests.handle``: the DPO and the SIRO); the auditor's token gets the
  record without them (``narrative`` is null, ``note`` and ``reason`` are null). A token
  travels further than a signed-in page, so it carries what its holder must act on and no
  more. A request hidden from the caller, one they may not read and another school's: 404.
- ``PATCH /{id}?school=`` corrects the record (``handling.services.request_update``): only
  the fields sent change; ``version`` is the one read (a newer one: 409).
- ``POST /{id}/pauses?school=`` records something asked of the requester (``hold_ask``);
  ``POST /{id}/extensions?school=`` extends the deadline (``extension_add``). Both need
  ``requests.handle``, answer 201 with the request as the handler reads it (the deadline
  moved) and take an optional ``version`` (409 when stale).

Dates are ISO 8601 texts only ("2026-11-20"; an instant with its offset,
"2026-11-20T14:00:00Z"): a number is not taken as a Unix time, nor ``true`` as 1. A request
is received on or after 25 May 2018 (UK data protection law as the clocks follow it); the
results of exams are announced on or after the day of receipt and within two years of it.
The channel ``public_page`` belongs to the school's request page: the API never sets it, and
a correction never sets ``api`` either (only a request logged through the API has it). A
correction keeps the request in the calendar year its reference counts in.

Errors: not a member of the school 404; a role without the permission 403; a broken rule
422 naming the field, as the body names it (``["body", "requester", "name"]``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import (
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.inforequests.clocks.deadline import days_left, long_date, work_out
from schoolkeep.inforequests.handling.selectors import (
    request_for_handler_or_404,
    requests_visible,
)
from schoolkeep.inforequests.handling.services import request_update
from schoolkeep.inforequests.intake.services import request_log
from schoolkeep.inforequests.models import (
    Channel,
    Extension,
    Hold,
    IdentityMethod,
    Kind,
    Outcome,
    Request,
    RequesterType,
    SubjectType,
    WhoseRight,
)
from schoolkeep.inforequests.models import (
    Status as RequestStatus,
)
from schoolkeep.inforequests.progress.services import extension_add, extension_unit, hold_ask
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.tenancy.access import SchoolAccess

router = Router(tags=["requests"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 409: MessageOut,
                                422: ValidationErrorOut}

# The columns of a list item: a request holds a dozen encrypted texts and the list needs none.
LIST_COLUMNS = ("public_id", "reference", "kind", "status", "received_on", "due_on",
                "due_estimated", "waiting_since", "responded_on", "version")

# A service's field name -> where the body gives it.
BODY_PATHS = {
    "requester_type": ["requester", "type"], "requester_name": ["requester", "name"],
    "requester_contact": ["requester", "contact"],
    "authority_evidence": ["requester", "authority_evidence"],
    "subject_type": ["subject", "type"], "subject_name": ["subject", "name"],
}


# UK GDPR and the Data Protection Act 2018 apply from 25 May 2018 (intake refuses an earlier
# receipt too; the API refuses it before any date arithmetic could overflow).
EARLIEST_RECEIPT = date(2018, 5, 25)
# The latest day exam results may be announced: two years after the request (a request
# for marks comes before the results; a later day is a typing mistake).
ANNOUNCED_WITHIN_YEARS = 2
# Set by the school's request page only; ``api`` by a request logged here only.
NOT_SENT_CHANNELS = frozenset({Channel.PUBLIC_PAGE.value})
NOT_CHANGED_TO_CHANNELS = frozenset({Channel.PUBLIC_PAGE.value, Channel.API.value})

_LABELS = {"received_on": "The day the request was received",
           "received_at": "When the request was received"}


def _bad(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _too_early(field: str | None) -> PydanticCustomError:
    what = _LABELS.get(field or "", "The date")
    return _bad("too_early", f"{what} must be on or after 25 May 2018, when UK data "
                "protection law in its present form began. Check the year.")


def _iso_day(value: Any) -> date:
    """A day as an ISO 8601 text only: not a number (a Unix time) nor a date with a time."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _bad("iso_date", "Give the date as an ISO 8601 text, such as 2026-11-20.")


def _iso_instant(value: Any) -> datetime:
    """An instant as an ISO 8601 text with its offset only: not a number (a Unix time)."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.utcoffset() is not None:
                return parsed
    raise _bad("iso_datetime", "Give the date and time as an ISO 8601 text with its offset, "
               "such as 2026-11-20T14:00:00Z or 2026-11-20T14:00:00+00:00.")


def _received_day(value: Any, info: ValidationInfo) -> date:
    day = _iso_day(value)
    if day < EARLIEST_RECEIPT:
        raise _too_early(info.field_name)
    return day


def _received_instant(value: Any, info: ValidationInfo) -> datetime:
    """On or after 25 May 2018 in UK time, checked by its year first: an instant in year 1
    (or 9999) cannot even be moved to another offset."""
    instant = _iso_instant(value)
    if instant.year < EARLIEST_RECEIPT.year:
        raise _too_early(info.field_name)
    try:
        day = instant.astimezone(LONDON).date()
    except (OverflowError, ValueError):
        raise _bad("date_out_of_range", "This date and time is out of range: check the "
                   "year.") from None
    if day < EARLIEST_RECEIPT:
        raise _too_early(info.field_name)
    return instant


IsoDate = Annotated[date, BeforeValidator(_iso_day)]
ReceivedOn = Annotated[date, BeforeValidator(_received_day)]
ReceivedAt = Annotated[AwareDatetime, BeforeValidator(_received_instant)]


# ---------------------------------------------------------------------------- shapes in


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class RequesterIn(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    type: RequesterType = Field(..., description="Who asked.")
    name: str = Field(..., max_length=200)
    contact: str = Field("", max_length=500, description="How to reach them.")
    authority_evidence: str = Field("", description="For someone acting for another: the "
                                                    "evidence of their authority.")


class SubjectIn(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    type: SubjectType = Field(..., description="Whom the request is about.")
    name: str = Field("", max_length=200, description="Their name; may be left out when "
                                                      "the requester asks about themselves.")


class RequestIn(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    school: str = Field(..., description="The school's slug.")
    kind: Kind
    channel: Channel = Field(Channel.API, description="How the request arrived at the school "
                                                      "(default: through the API; never "
                                                      "public_page).")
    received_on: ReceivedOn | None = Field(
        None, description="The day it arrived (UK date, on or after 2018-05-25).")
    received_at: ReceivedAt | None = Field(
        None, description="When it arrived (ISO 8601 with its offset); default: now.")
    requester: RequesterIn
    subject: SubjectIn | None = Field(None, description="Whom it is about: needed for every "
                                                        "kind but FOI and EIR.")
    description: str = Field(..., description="What they asked for.")

    @field_validator("channel")
    @classmethod
    def _not_the_page(cls, value: str) -> str:
        if value in NOT_SENT_CHANNELS:
            raise _bad("channel", "public_page is for requests made on the school's request "
                       "page. Choose how this one reached the school, or leave channel out "
                       "(a request logged here is api).")
        return value


class RequesterPatch(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    type: RequesterType | None = None
    name: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=500)
    authority_evidence: str | None = None


class SubjectPatch(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    type: SubjectType | None = None
    name: str | None = Field(None, max_length=200)


class RequestPatch(Schema):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    version: StrictInt
    kind: Kind | None = None
    channel: Channel | None = Field(None, description="How it arrived: not public_page, and "
                                                      "not api unless it was logged here.")
    received_at: ReceivedAt | None = Field(
        None, description="ISO 8601 with its offset, in the same UK calendar year as the "
                          "reference.")
    requester: RequesterPatch | None = Field(None, description="Only the parts sent change.")
    subject: SubjectPatch | None = Field(None, description="Only the parts sent change.")
    description: str | None = None
    whose_right: WhoseRight | None = None
    child_competent: StrictBool | None = None
    child_consented: StrictBool | None = None
    child_note: str | None = None
    results_announced_on: IsoDate | None = Field(
        None, description="On or after the day of receipt, and within two years of it.")

    @field_validator("requester", "subject", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Null would read as "nothing sent" and change nothing: say so instead.
        if value is None:
            raise _bad("not_null", f"{info.field_name} cannot be null: leave it out, or send "
                       "the parts of it that change.")
        return value


class PauseIn(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    reason: Hold.Reason
    asked_on: IsoDate = Field(..., description="The day it was asked of the requester.")
    note: str = Field(..., description="What was asked, and why.")
    version: StrictInt | None = Field(None, description="The request's version as read (a "
                                                        "newer one: 409).")


class ExtensionIn(Schema):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    amount: StrictInt = Field(..., description="Months for the rights (2 in all at most); "
                                               "working days for FOI and EIR.")
    reason: str = Field(..., description="Why more time is needed (told to the requester).")
    decided_on: IsoDate
    told_on: IsoDate | None = Field(None, description="The day the requester was told.")
    version: StrictInt | None = Field(None, description="The request's version as read (a "
                                                        "newer one: 409).")


# ---------------------------------------------------------------------------- shapes out


class RequestOut(Out):
    id: UUID
    reference: str = Field(..., description='Such as "RQ-2026-0001".')
    kind: Kind
    status: RequestStatus
    received_on: date
    due_on: date = Field(..., description="The deadline, with every pause and extension. "
                                          "While waiting for the requester: as if the "
                                          "answer came today.")
    due_estimated: bool = Field(..., description="Worked out on estimated term dates.")
    waiting_since: date | None = Field(..., description="Waiting for the requester since.")
    responded_on: date | None
    version: int


class MoveOut(Schema):
    on: date
    what: str
    due_on: date | None


class PauseOut(Schema):
    reason: Hold.Reason
    asked_on: date
    answered_on: date | None = Field(..., description="Null while the school waits.")
    note: str | None = Field(..., description="What was asked (null unless you handle "
                                              "requests).")


class ExtensionOut(Schema):
    amount: int
    unit: str = Field(..., description='"months" or "working days".')
    decided_on: date
    told_on: date | None
    reason: str | None = Field(..., description="Null unless you handle requests.")


class NarrativeOut(Schema):
    requester_name: str
    requester_contact: str
    authority_evidence: str
    subject_name: str
    description: str
    outcome_reason: str
    late_reason: str
    recipients_told: str


class RequestDetailOut(RequestOut):
    channel: Channel
    received_at: AwareDatetime
    requester_type: RequesterType
    subject_type: SubjectType | None
    clock_starts_on: date
    extension_tell_by: date | None
    days_left: int | None = Field(..., description="Calendar days to the deadline (negative: "
                                                   "overdue); null once answered.")
    rule: str = Field(..., description="The rule of this kind's deadline, in plain English.")
    moves: list[MoveOut] = Field(..., description="What set or moved the deadline.")
    identity_method: IdentityMethod | None
    identity_checked_on: date | None
    acknowledged_on: date | None
    outcome: Outcome | None
    withdrawn_on: date | None
    pauses: list[PauseOut]
    extensions: list[ExtensionOut]
    narrative: NarrativeOut | None = Field(..., description="Names and what was asked: only "
                                                           "for who handles requests.")


# ---------------------------------------------------------------------------- helpers


def _refused(error: DomainError) -> Status[dict[str, Any]]:
    """A broken rule as 422 naming the field where the body gives it; a refusal or a stale
    version goes on to the API's handlers (403, 409)."""
    if isinstance(error, NotAllowed | StaleVersion):
        raise error
    loc = ["body", *BODY_PATHS.get(error.field or "", [error.field] if error.field else [])]
    return Status(422, {"detail": [{"loc": loc, "msg": error.message}]})


def _request_out(request: Request) -> dict[str, Any]:
    return {"id": request.public_id, "reference": request.reference, "kind": request.kind,
            "status": request.status, "received_on": request.received_on,
            "due_on": request.due_on, "due_estimated": request.due_estimated,
            "waiting_since": request.waiting_since, "responded_on": request.responded_on,
            "version": request.version}


def _row_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], **{k: row[k] for k in LIST_COLUMNS if k != "public_id"}}


def _detail_out(request: Request, *, handler: bool) -> dict[str, Any]:
    """The request with its pauses, extensions and clock; names and narrative only for a
    handler. Reads the holds and extensions once and works the clock out from them."""
    holds = list(Hold.objects.filter(request=request))
    extensions = list(Extension.objects.filter(request=request))
    clock = work_out(request, holds=holds, extensions=extensions)
    today = timezone.localdate(timezone.now(), LONDON)
    unit = extension_unit(request)
    narrative = None
    if handler:
        narrative = {name: getattr(request, name) for name in NarrativeOut.model_fields}
    return {
        **_request_out(request),
        "channel": request.channel, "received_at": request.received_at,
        "requester_type": request.requester_type, "subject_type": request.subject_type or None,
        "clock_starts_on": request.clock_starts_on,
        "extension_tell_by": request.extension_tell_by,
        "days_left": days_left(request, today) if request.status == RequestStatus.OPEN
        else None,
        "rule": clock.rule,
        "moves": [{"on": m.on, "what": m.what, "due_on": m.due_on} for m in clock.moves],
        "identity_method": request.identity_method or None,
        "identity_checked_on": request.identity_checked_on,
        "acknowledged_on": request.acknowledged_on, "outcome": request.outcome or None,
        "withdrawn_on": request.withdrawn_on,
        "pauses": [{"reason": h.reason, "asked_on": h.asked_on, "answered_on": h.answered_on,
                    "note": h.note if handler else None} for h in holds],
        "extensions": [{"amount": e.amount, "unit": unit, "decided_on": e.decided_on,
                        "told_on": e.told_on, "reason": e.reason if handler else None}
                       for e in extensions],
        "narrative": narrative,
    }


def _for_handler(request: HttpRequest, access: SchoolAccess, request_id: UUID) -> Request:
    """The request a handler writes on: 404 when hidden from them or not the school's."""
    return request_for_handler_or_404(school=access.school, user=request.user, access=access,
                                      public_id=request_id)


def _received_at(payload: RequestIn, now: datetime) -> datetime:
    """The instant of receipt from ``received_at`` or ``received_on`` (the start of that UK
    day; now when it is today); raises DomainError naming ``received_on``."""
    today = timezone.localdate(now, LONDON)
    if payload.received_on is None:
        return payload.received_at or now
    if payload.received_on > today:
        raise DomainError("The day the request was received cannot be in the future.",
                          field="received_on")
    if payload.received_at is not None:
        if payload.received_at.astimezone(LONDON).date() != payload.received_on:
            raise DomainError("received_on and received_at give different days (in UK "
                              "time): send one of them.", field="received_on")
        return payload.received_at
    if payload.received_on == today:
        return now
    return datetime.combine(payload.received_on, time(0, 0), tzinfo=LONDON)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_patch(payload: RequestPatch, found: Request) -> None:
    """What the API refuses before the service sees a correction (DomainError naming the
    field): a channel only the request page or a request logged here has, a moment of
    receipt in another calendar year than the reference's, a results day before the
    request or more than two years after it."""
    sent = payload.model_fields_set
    if ("channel" in sent and payload.channel in NOT_CHANGED_TO_CHANNELS
            and payload.channel != found.channel):
        way = ("on the school's request page" if payload.channel == Channel.PUBLIC_PAGE
               else "through the API")
        raise DomainError(f"Only a request logged {way} arrived that way: choose how this "
                          "one reached the school.", field="channel")
    if "channel" in sent and found.channel == Channel.PUBLIC_PAGE != payload.channel:
        raise DomainError("This request was made on the school's request page, with its "
                          "receipt code: how it arrived cannot change.", field="channel")
    received_on = found.received_on
    if "received_at" in sent and payload.received_at is not None:
        received_on = payload.received_at.astimezone(LONDON).date()
        if received_on.year != found.reference_year:
            raise DomainError(
                f"The reference {found.reference} counts in {found.reference_year}, so the "
                f"request cannot move to {received_on.year}. If it was received in "
                f"{received_on.year}, log it again instead (it gets a reference of that "
                "year) and withdraw this one.", field="received_at")
    announced = payload.results_announced_on
    if "results_announced_on" in sent and announced is not None:
        if announced < received_on:
            raise DomainError("The results are announced on or after the day the request "
                              "was received (a request for exam marks is made before they "
                              "are published).", field="results_announced_on")
        latest = _years_after(received_on, ANNOUNCED_WITHIN_YEARS)
        if announced > latest:
            raise DomainError("The results are announced within two years of the request "
                              f"(by {long_date(latest)}): check the year.",
                              field="results_announced_on")


def _patch_fields(payload: RequestPatch) -> dict[str, Any]:
    """The service's fields from the body's: only those sent (a null is "none" to the
    service: blank, not known, or refused naming the field where one is needed)."""
    sent = payload.model_dump(exclude_unset=True, exclude={"version", "requester", "subject"})
    if payload.requester is not None:
        for key, value in payload.requester.model_dump(exclude_unset=True).items():
            sent["authority_evidence" if key == "authority_evidence"
                 else f"requester_{key}"] = value
    if payload.subject is not None:
        for key, value in payload.subject.model_dump(exclude_unset=True).items():
            sent[f"subject_{key}"] = value
    return sent


# ---------------------------------------------------------------------------- endpoints


@router.get("", response={200: Page[RequestOut], **READ_ERRORS}, url_name="request-list",
            summary="The requests of a school (DPO, SIRO and auditor), newest first")
def request_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "requests.view")
    requests = requests_visible(school=access.school, user=request.user, access=access)
    page = paginate(requests.order_by("-received_at", "-pk"), limit=params.limit,
                    offset=params.offset, columns=LIST_COLUMNS)
    page["items"] = [_row_out(row) for row in page["items"]]
    return page


@router.post("", response={201: RequestOut, **WRITE_ERRORS}, url_name="request-create",
             summary="Log a request received (any member of the school)")
def request_create(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "requests.log")
    subject = payload.subject
    try:
        logged = request_log(
            school=access.school, actor=request.user, kind=payload.kind,
            channel=payload.channel, received_at=_received_at(payload, timezone.now()),
            requester_type=payload.requester.type, requester_name=payload.requester.name,
            requester_contact=payload.requester.contact,
            authority_evidence=payload.requester.authority_evidence,
            subject_type=subject.type if subject else "",
            subject_name=subject.name if subject else "", description=payload.description)
    except DomainError as error:
        return _refused(error)
    return Status(201, _request_out(logged))


@router.get("/{request_id}", response={200: RequestDetailOut, **READ_ERRORS},
            url_name="request-detail",
            summary="One request with its pauses and extensions (names and narrative only "
                    "for who handles requests)")
def request_detail(request: HttpRequest, request_id: UUID,
                   params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school)
    found = _for_handler(request, access, request_id)
    return _detail_out(found, handler=access.can("requests.handle"))


@router.patch("/{request_id}", response={200: RequestDetailOut, **WRITE_ERRORS},
              url_name="request-update",
              summary="Correct a request's record (send the version you read)")
def request_change(request: HttpRequest, request_id: UUID, params: Query[SchoolParam],
                   payload: RequestPatch) -> Any:
    access = school_access(request, params.school, "requests.handle")
    found = _for_handler(request, access, request_id)
    try:
        _check_patch(payload, found)
        changed = request_update(school=access.school, actor=request.user, request=found,
                                 version=payload.version, **_patch_fields(payload))
    except DomainError as error:
        return _refused(error)
    return _detail_out(changed, handler=True)


@router.post("/{request_id}/pauses", response={201: RequestDetailOut, **WRITE_ERRORS},
             url_name="request-pause-create",
             summary="Record something asked of the requester: the clock waits")
def request_pause(request: HttpRequest, request_id: UUID, params: Query[SchoolParam],
                  payload: PauseIn) -> Status[dict[str, Any]]:
    access = school_access(request, params.school, "requests.handle")
    found = _for_handler(request, access, request_id)
    try:
        hold_ask(school=access.school, actor=request.user, request=found,
                 reason=payload.reason, asked_on=payload.asked_on, note=payload.note,
                 version=payload.version)
    except DomainError as error:
        return _refused(error)
    return Status(201, _detail_out(_for_handler(request, access, request_id), handler=True))


@router.post("/{request_id}/extensions", response={201: RequestDetailOut, **WRITE_ERRORS},
             url_name="request-extension-create",
             summary="Extend a request's deadline, with the reason")
def request_extend(request: HttpRequest, request_id: UUID, params: Query[SchoolParam],
                   payload: ExtensionIn) -> Status[dict[str, Any]]:
    access = school_access(request, params.school, "requests.handle")
    found = _for_handler(request, access, request_id)
    try:
        extension_add(school=access.school, actor=request.user, request=found,
                      amount=payload.amount, reason=payload.reason,
                      decided_on=payload.decided_on, told_on=payload.told_on,
                      version=payload.version)
    except DomainError as error:
        return _refused(error)
    return Status(201, _detail_out(_for_handler(request, access, request_id), handler=True))
