"""Logging a request: the one write every way a request arrives ends in (a member's form,
the school's no-login request page, the API).

A request gets the next reference of its school and of the Europe/London calendar year it
was received in ("RQ-2026-0007"), its clock is worked out by ``clocks/`` at once, it is
audited without the names or the narrative, and, once the transaction has committed, the
DPO and SIRO are e-mailed its reference, its kind, its deadline and a link: never a name
or what was asked.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
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
from schoolkeep.lib.crypto import keyed_hash
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.text import tidy
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "requests.request.logged": "Request logged",
}

NAME_MAX = 200
CONTACT_MAX = 500
TEXT_MAX = 10_000

# Receipt codes of the public page: no letters that read alike (0/O, 1/I/L).
_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_PURPOSE = "request-receipt"


def receipt_code() -> str:
    """A random receipt for a request sent on the public page, such as "K7QM-2XRP-9DFA"
    (about 59 bits); only its keyed hash is stored."""
    chars = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def receipt_hash(code: str) -> str:
    return keyed_hash(code.strip().upper(), purpose=RECEIPT_PURPOSE)


def next_reference(school: School, received_at: datetime) -> tuple[int, int, str]:
    """(year, number, "RQ-2026-0007"): the next number of the school's Europe/London
    calendar year of receipt. Call inside a transaction: the counter row is locked until it
    ends, so two requests logged at the same moment never share a number (on SQLite the
    IMMEDIATE transaction does the same)."""
    year = received_at.astimezone(LONDON).year
    try:
        with transaction.atomic():
            ReferenceCounter.objects.get_or_create(school=school, year=year)
    except IntegrityError:  # another request made this year's counter at the same moment
        pass
    counter = ReferenceCounter.objects.select_for_update().get(school=school, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return year, counter.last, f"RQ-{year}-{counter.last:04d}"


def _text(value: Any, *, field: str, label: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}.", field=field)
    if len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or "
                          "fewer.", field=field)
    return text


def _choice(value: Any, choices: type, *, field: str, message: str) -> str:
    text = str(value or "")
    if text not in choices.values:  # type: ignore[attr-defined]
        raise DomainError(message, field=field)
    return text


def _received(value: Any, *, now: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise DomainError("Give when the request was received as a date and time with its "
                          "time zone.", field="received_at")
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
    name = tidy(_text(subject_name, field="subject_name", label="the name of the person the "
                      "request is about", limit=NAME_MAX))
    if not name and requester_type == RequesterType.SUBJECT:
        name = requester_name
    if not name:
        raise DomainError("Enter the name of the person the request is about.",
                          field="subject_name")
    return kind_type, name


def _recipients(school: School) -> list[str]:
    return sorted(set(MembershipRole.objects.filter(
        membership__school=school, membership__is_active=True,
        membership__user__is_active=True, role__in=[Role.DPO, Role.SIRO],
    ).values_list("membership__user__email", flat=True)))


def _uk_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _notify(request_id: int) -> None:
    """E-mail the DPO and SIRO: the reference, the kind, the deadline and a link; never a
    name or what was asked."""
    request = Request.objects.select_related("school").get(pk=request_id)
    recipients = _recipients(request.school)
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
) -> Request:
    """Record a request received. ``received_at`` is an aware instant (forms take UK time);
    the request's day (``received_on``), from which its clock counts, is its Europe/London
    date. The public page passes ``actor=None`` and the keyed hash of the receipt code it
    shows. Raises DomainError naming the field; writes nothing then."""
    require_permission(school=school, actor=actor, permission="requests.log",
                       message="You may not log requests in this school.")
    now = timezone.now()
    kind = _choice(kind, Kind, field="kind", message="Choose what kind of request it is.")
    channel = _choice(channel, Channel, field="channel",
                      message="Choose how the request arrived.")
    received = _received(received_at, now=now)
    requester_type = _choice(requester_type, RequesterType, field="requester_type",
                             message="Choose who made the request.")
    name = tidy(_text(requester_name, field="requester_name",
                      label="the name of the person who asked", limit=NAME_MAX,
                      required=True))
    fields = {
        "requester_name": name,
        "requester_contact": _text(requester_contact, field="requester_contact",
                                   label="how to contact them", limit=CONTACT_MAX),
        "description": _text(description, field="description", label="what they asked for",
                             limit=TEXT_MAX, required=True),
        "authority_evidence": _text(authority_evidence, field="authority_evidence",
                                    label="the evidence of authority", limit=TEXT_MAX),
    }
    fields["subject_type"], fields["subject_name"] = subject_fields(
        kind, requester_type, name, subject_type, subject_name)
    received_on = received.astimezone(LONDON).date()
    with transaction.atomic():
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
        clock_refresh(request)
        audit_record(
            action="requests.request.logged", school=school, actor=actor, target=request,
            target_label=reference,
            changes={"reference": reference, "kind": kind, "channel": channel,
                     "received_at": received, "requester_type": requester_type,
                     "subject_type": fields["subject_type"], "due_on": request.due_on,
                     "requester_name": "recorded", "description": "recorded",
                     **{key: "recorded" for key in ("requester_contact", "subject_name",
                                                    "authority_evidence") if fields[key]}},
        )
        pk = request.pk
        transaction.on_commit(lambda: _notify(pk), robust=True)
    return request
