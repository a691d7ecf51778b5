"""Logging a request: the one write every way a request arrives ends in (a member's form,
the school's no-login request page, the API).

A request gets the next reference of its school and of the Europe/London calendar year it
was received in ("RQ-2026-0007"), its clock is worked out by ``clocks/`` at once, it is
audited without the names or the narrative, and, once the transaction has committed, the
DPO and SIRO are e-mailed its reference, its kind, its deadline and a link: never a name
or what was asked. A request about the SIRO or the DPO is kept from them from the start
(``hide_from_roles``): they are never e-mailed it and never see it.

What a school may be asked depends on its kind (``School.kind``): an independent school is
not a public authority, so freedom of information and environmental information do not
apply to it; the educational record (15 school days) binds maintained schools only. A
freedom of information request must be in writing, with a name and an address for
correspondence (Freedom of Information Act 2000, section 8).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.inforequests.clocks.deadline import clock_refresh
from schoolkeep.inforequests.models import (
    PERSONAL_KINDS,
    Channel,
    Kind,
    ReferenceCounter,
    Request,
    RequesterType,
    SubjectType,
)
from schoolkeep.lib import references
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.references import receipt_code as receipt_code
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import clean_text
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import PERMISSIONS, Role

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "requests.request.logged": "Request logged",
}

# UK GDPR and the Data Protection Act 2018 apply from 25 May 2018: the rules Schoolkeep's
# clocks follow began then, and it keeps no clock for a request received before.
EARLIEST_RECEIPT = date(2018, 5, 25)
EARLIEST_RECEIPT_TEXT = "25 May 2018"

# Whom a request may be kept from when it is about them: the two who handle requests.
HIDE_ROLES = (Role.SIRO, Role.DPO)
HIDE_ROLE_NAMES = {Role.SIRO: "the SIRO", Role.DPO: "the data protection officer"}

# Kinds a school of each kind is not asked. An independent school is not a public authority
# (FOIA s.3 and Schedule 1; EIR reg. 2(2)), so neither FOI nor EIR applies to it. The
# Education (Pupil Information) (England) Regulations 2005 (15 school days) bind maintained
# schools, not academies or independent schools. They exclude maintained nursery schools
# too, but Schoolkeep does not know whether a school is a nursery school, so a maintained
# school is always offered the educational record.
NOT_FOR_INDEPENDENT = frozenset({Kind.FOI, Kind.EIR})
MAINTAINED_ONLY = frozenset({Kind.EDUCATIONAL_RECORD})
# A freedom of information request must be in writing (FOIA s.8(1)(a)); an environmental
# information request may be made by speaking.
SPOKEN_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})

NAME_MAX = 200
CONTACT_MAX = 500
TEXT_MAX = 10_000

RECEIPT_PURPOSE = "request-receipt"


def receipt_hash(code: str) -> str:
    return references.receipt_hash(code, purpose=RECEIPT_PURPOSE)


def next_reference(school: School, received_at: datetime) -> tuple[int, int, str]:
    """(year, number, "RQ-2026-0007"): the next number of the school's Europe/London
    calendar year of receipt. Call inside a transaction: the counter row is locked until it
    ends, so two requests logged at the same moment never share a number (on SQLite the
    IMMEDIATE transaction does the same)."""
    year = received_at.astimezone(LONDON).year
    number = references.next_number(ReferenceCounter, school=school, year=year)
    return year, number, f"RQ-{year}-{number:04d}"


def _choice(value: Any, choices: type, *, field: str, message: str) -> str:
    text = str(value or "")
    if text not in choices.values:  # type: ignore[attr-defined]
        raise DomainError(message, field=field)
    return text


def too_early_message(what: str) -> str:
    return (f"{what} must be on or after {EARLIEST_RECEIPT_TEXT}, when UK data protection "
            "law in its present form began. Check the year.")


def _received(value: Any, *, now: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise DomainError("Give when the request was received as a date and time with its "
                          "time zone.", field="received_at")
    # The year first: a date early in year 1 cannot be moved to London time (no year 0).
    if value.year < EARLIEST_RECEIPT.year or value.astimezone(LONDON).date() < EARLIEST_RECEIPT:
        raise DomainError(too_early_message("When the request was received"),
                          field="received_at")
    if value > now:
        raise DomainError("When the request was received cannot be in the future.",
                          field="received_at")
    return value


def subject_fields(kind: str, requester_type: str, requester_name: str, subject_type: Any,
             subject_name: Any) -> tuple[str, str]:
    """About whom: required for the kinds about a person; none for freedom of information
    and environmental information (they are about information, so a name given there is
    not kept). Someone asking about themselves is the subject when no other name is given."""
    if kind not in PERSONAL_KINDS:
        return "", ""
    kind_type = _choice(subject_type, SubjectType, field="subject_type",
                        message="Choose who the request is about.")
    name = tidy(clean_text(subject_name, field="subject_name", label="the name of the person the "
                           "request is about", limit=NAME_MAX))
    if not name and requester_type == RequesterType.SUBJECT:
        name = requester_name
    if not name:
        raise DomainError("Enter the name of the person the request is about.",
                          field="subject_name")
    return kind_type, name


def kinds_offered(school: School | None) -> list[str]:
    """The kinds of request this school may be asked, in Kind's order (every kind when the
    school is not known)."""
    kind = getattr(school, "kind", None)
    return [value for value in Kind.values
            if not (kind == School.Kind.INDEPENDENT and value in NOT_FOR_INDEPENDENT)
            and not (kind is not None and kind != School.Kind.MAINTAINED
                     and value in MAINTAINED_ONLY)]


def offers_public_information(school: School | None) -> bool:
    """Whether the school is asked freedom of information (and environmental information)
    requests: every school but an independent one."""
    return Kind.FOI in kinds_offered(school)


def kind_problems(school: School | None, *, kind: str, channel: str,
                  requester_contact: str) -> list[DomainError]:
    """What breaks the rules of the request's kind for this school, each naming its field
    (``kind``, ``channel``, ``requester_contact``). The forms show them all at once;
    ``request_log`` refuses the first."""
    school_kind = getattr(school, "kind", None)
    if school_kind == School.Kind.INDEPENDENT and kind in NOT_FOR_INDEPENDENT:
        return [DomainError(
            "An independent school is not a public authority, so freedom of information "
            "and environmental information requests do not apply to it (the school's kind "
            "is set to independent). If the person asked for information about themselves "
            "or their child, choose subject access.", field="kind")]
    if (school_kind is not None and school_kind != School.Kind.MAINTAINED
            and kind in MAINTAINED_ONLY):
        what = ("an academy" if school_kind == School.Kind.ACADEMY
                else "an independent school")
        return [DomainError(
            "Only maintained schools must show a parent their child's educational record "
            f"within 15 school days, and this school is {what} (the school's kind). A parent "
            "asking for their child's information can make a subject access request: choose "
            "that.", field="kind")]
    problems: list[DomainError] = []
    if kind == Kind.FOI and channel in SPOKEN_CHANNELS:
        problems.append(DomainError(
            "A freedom of information request must be made in writing. If it is about the "
            "environment (the school's buildings, land, energy, pollution or traffic), log "
            "it as an environmental information request, which may be made by speaking. "
            "Otherwise, write the request down with them (for example an e-mail or a letter "
            "they send or sign) and log that.", field="channel"))
    if kind == Kind.FOI and not str(requester_contact or "").strip():
        problems.append(DomainError(
            "A freedom of information request needs an address for the reply: enter their "
            "e-mail or postal address.", field="requester_contact"))
    return problems


def _hide_roles(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value] if value else []
    roles = frozenset(str(role) for role in (value or ()))
    if roles - set(HIDE_ROLES):
        raise DomainError("A request can be kept only from the SIRO or the data protection "
                          "officer.", field="hide_from_roles")
    return roles


def _members_to_hide_from(school: School, roles: frozenset[str], actor: Any) -> set[int]:
    """The active members holding these roles, except the actor (who is logging it)."""
    if not roles:
        return set()
    members = set(MembershipRole.objects.filter(
        membership__school=school, membership__is_active=True, role__in=roles,
    ).values_list("membership__user_id", flat=True))
    members.discard(getattr(actor, "pk", None))
    return members


def _check_someone_handles(school: School, roles: frozenset[str], hidden: set[int]) -> None:
    """A request kept from the SIRO or the DPO must still leave someone who may handle it."""
    handlers = set(MembershipRole.objects.filter(
        membership__school=school, membership__is_active=True,
        membership__user__is_active=True, role__in=PERMISSIONS["requests.handle"][1],
    ).values_list("membership__user_id", flat=True))
    if handlers - hidden:
        return
    if len(roles) > 1:
        raise DomainError(
            "If the request is kept from both the SIRO and the data protection officer, no "
            "one at the school may handle it: only they may. Keep it from one of them only, "
            "and the other will handle it.", field="hide_from_roles")
    [role] = roles
    other = HIDE_ROLE_NAMES[Role.DPO if role == Role.SIRO else Role.SIRO]
    raise DomainError(
        f"If the request is kept from {HIDE_ROLE_NAMES[Role(role)]}, no one at the school "
        f"may handle it: the school has no {other.removeprefix('the ')} in Schoolkeep. "
        "Untick it, or contact the school's governors.", field="hide_from_roles")


def _recipients(school: School, *, hidden: Iterable[int] = ()) -> list[str]:
    """The DPO's and SIRO's e-mail addresses, never one of a member the request is kept
    from."""
    return sorted(set(MembershipRole.objects.filter(
        membership__school=school, membership__is_active=True,
        membership__user__is_active=True, role__in=[Role.DPO, Role.SIRO],
    ).exclude(membership__user_id__in=list(hidden)).values_list(
        "membership__user__email", flat=True)))


def _uk_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _notify(request_id: int) -> None:
    """E-mail the DPO and SIRO: the reference, the kind, the deadline and a link; never a
    name or what was asked."""
    request = Request.objects.select_related("school").get(pk=request_id)
    hidden = list(request.hidden_from.values_list("pk", flat=True))
    recipients = _recipients(request.school, hidden=hidden)
    if not recipients:
        logger.warning("Request %s has no DPO or SIRO to tell.", request.reference)
        return
    url = settings.BASE_URL + reverse("requests:request-detail", args=[request.public_id])
    kind = request.get_kind_display()
    send_mail(
        subject=(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}new request {request.reference} "
                 f"at {request.school.name}"),
        message=(f"A new request has been logged at {request.school.name}.\n\n"
                 f"Reference: {request.reference}\nKind: {kind}\n"
                 f"Received: {_uk_date(request.received_on)}\n"
                 f"Deadline: {_uk_date(request.due_on)}"
                 f"{' (worked out on estimated term dates)' if request.due_estimated else ''}"
                 f"\n\nSign in to read it and start on it:\n{url}\n"),
        from_email=None, recipient_list=recipients,
    )


def request_log(
    *,
    school: School,
    actor: Any,
    kind: str,
    channel: str,
    received_at: datetime,
    requester_type: str,
    requester_name: str,
    description: str,
    requester_contact: str = "",
    subject_type: str = "",
    subject_name: str = "",
    authority_evidence: str = "",
    receipt_hash: str = "",
    hide_from_roles: Iterable[str] | None = None,
) -> Request:
    """Record a request received. ``received_at`` is an aware instant (forms take UK time),
    on or after 25 May 2018; the request's day (``received_on``), from which its clock
    counts, is its Europe/London date. The public page passes ``actor=None`` and the keyed
    hash of the receipt code it shows. ``hide_from_roles`` ("siro", "dpo": the request is
    about them) keeps it, in the same transaction, from the active members holding those
    roles, except the actor; refused when no one would be left who may handle it. Raises
    DomainError naming the field; writes nothing then."""
    require_permission(school=school, actor=actor, permission="requests.log",
                       message="You may not log requests in this school.")
    now = timezone.now()
    kind = _choice(kind, Kind, field="kind", message="Choose what kind of request it is.")
    channel = _choice(channel, Channel, field="channel",
                      message="Choose how the request arrived.")
    received = _received(received_at, now=now)
    requester_type = _choice(requester_type, RequesterType, field="requester_type",
                             message="Choose who made the request.")
    name = tidy(clean_text(requester_name, field="requester_name",
                           label="the name of the person who asked", limit=NAME_MAX,
                           required=True))
    fields = {
        "requester_name": name,
        "requester_contact": clean_text(requester_contact, field="requester_contact",
                                        label="how to contact them", limit=CONTACT_MAX),
        "description": clean_text(description, field="description", label="what they asked for",
                                  limit=TEXT_MAX, required=True),
        "authority_evidence": clean_text(authority_evidence, field="authority_evidence",
                                         label="the evidence of authority", limit=TEXT_MAX),
    }
    fields["subject_type"], fields["subject_name"] = subject_fields(
        kind, requester_type, name, subject_type, subject_name)
    for problem in kind_problems(school, kind=kind, channel=channel,
                                 requester_contact=fields["requester_contact"]):
        raise problem
    roles = _hide_roles(hide_from_roles)
    received_on = received.astimezone(LONDON).date()
    with transaction.atomic():
        hidden = _members_to_hide_from(school, roles, actor)
        if roles:
            _check_someone_handles(school, roles, hidden)
        year, number, reference = next_reference(school, received)
        # The clock fields start at the day of receipt; clock_refresh works them out below,
        # inside the same transaction, before anyone can read the request.
        request = Request(
            school=school, reference=reference, reference_year=year, reference_number=number,
            kind=kind, channel=channel, requester_type=requester_type,
            logged_by=actor if getattr(actor, "is_authenticated", False) else None,
            receipt_hash=receipt_hash, received_at=received, received_on=received_on,
            clock_starts_on=received_on, due_on=received_on, **fields)
        request.full_clean()
        request.save()
        if hidden:
            request.hidden_from.set(list(hidden))
        clock_refresh(request)
        audit_record(
            action="requests.request.logged", school=school, actor=actor, target=request,
            target_label=reference,
            changes={"reference": reference, "kind": kind, "channel": channel,
                     "received_at": received, "requester_type": requester_type,
                     "subject_type": fields["subject_type"], "due_on": request.due_on,
                     "requester_name": "recorded", "description": "recorded",
                     **{key: "recorded" for key in ("requester_contact", "subject_name",
                                                    "authority_evidence") if fields[key]},
                     # Who it is kept from could say whom it is about: "recorded" only.
                     **({"hidden_from": "recorded"} if hidden else {})},
        )
        pk = request.pk
        transaction.on_commit(lambda: _notify(pk), robust=True)
    return request
