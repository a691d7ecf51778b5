"""Reporting an incident: the one write every way of reporting ends in (the in-app form, the
public "report a concern" page, the API).

A report gets the next reference of its school and Europe/London calendar year, is audited
without its narrative, and, once the transaction has committed, the DPO and SIRO are e-mailed
its reference and a link only, never its content.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.incidents.clock import LONDON
from schoolkeep.incidents.models import Channel, Incident, ReferenceCounter
from schoolkeep.lib import references
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.references import receipt_code
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import clean_text
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "incidents.incident.reported": "Incident reported",
}

TITLE_MAX = 200
TEXT_MAX = 10_000
RECEIPT_PURPOSE = "incident-receipt"


def receipt_hash(code: str) -> str:
    return references.receipt_hash(code, purpose=RECEIPT_PURPOSE)


def next_reference(school: School, received_at: datetime) -> tuple[int, int, str]:
    """(year, number, "BR-2026-0007"): the next number of the school's Europe/London
    calendar year of receipt. The counter row is locked, so that two reports made at the
    same moment never share a number (on SQLite the IMMEDIATE transaction does the same)."""
    year = received_at.astimezone(LONDON).year
    number = references.next_number(ReferenceCounter, school=school, year=year)
    return year, number, f"BR-{year}-{number:04d}"


def _instant(value: datetime | None, *, field: str, label: str,
             now: datetime) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"Give {label} as a date and time with its time zone.", field=field)
    if value > now:
        raise DomainError(f"{label[0].upper()}{label[1:]} cannot be in the future.",
                          field=field)
    return value


def _recipients(school: School) -> list[str]:
    return sorted(set(MembershipRole.objects.filter(
        membership__school=school, membership__is_active=True,
        membership__user__is_active=True, role__in=[Role.DPO, Role.SIRO],
    ).values_list("membership__user__email", flat=True)))


def _notify(incident_id: int) -> None:
    """E-mail the DPO and SIRO: the reference and a link, never the content."""
    incident = Incident.objects.select_related("school").get(pk=incident_id)
    recipients = _recipients(incident.school)
    if not recipients:
        logger.warning("Incident %s has no DPO or SIRO to tell.", incident.reference)
        return
    url = settings.BASE_URL + reverse("incidents:incident-detail", args=[incident.public_id])
    send_mail(
        subject=(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}new incident report "
                 f"{incident.reference} at {incident.school.name}"),
        message=(f"A new incident has been reported at {incident.school.name}.\n\n"
                 f"Reference: {incident.reference}\n\nSign in to read it and triage it:\n"
                 f"{url}\n\nIf it involves personal data, the school has 72 hours from "
                 "becoming aware of it to decide whether to tell the ICO.\n"),
        from_email=None, recipient_list=recipients,
    )


def incident_report(
    *,
    school: School,
    actor: Any,
    channel: str,
    title: str,
    description: str,
    data_involved: str = "",
    occurred_at: datetime | None = None,
    discovered_at: datetime | None = None,
    aware_at: datetime | None = None,
    personal_data: bool | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
) -> tuple[Incident, str]:
    """Record a new report. Returns it and, for the public page, its receipt code ("" for
    the others). Raises DomainError naming the field; writes nothing then."""
    if channel not in Channel.values:
        raise DomainError("Choose how the incident was reported.", field="channel")
    if channel != Channel.PUBLIC:
        require_permission(school=school, actor=actor, permission="incidents.report",
                           message="You may not report incidents in this school.")
    now = timezone.now()
    fields = {
        "title": tidy(clean_text(title, field="title", label="a short title", limit=TITLE_MAX,
                                 required=True)),
        "description": clean_text(description, field="description", label="what happened",
                                  limit=TEXT_MAX, required=True),
        "data_involved": clean_text(data_involved, field="data_involved",
                                    label="the data or systems involved", limit=TEXT_MAX),
        "reporter_name": tidy(clean_text(reporter_name, field="reporter_name", label="your name",
                                         limit=200)),
        "reporter_contact": tidy(clean_text(reporter_contact, field="reporter_contact",
                                            label="how to contact you", limit=200)),
    }
    occurred = _instant(occurred_at, field="occurred_at", label="when it happened", now=now)
    discovered = _instant(discovered_at, field="discovered_at", label="when you found out",
                          now=now)
    aware = _instant(aware_at, field="aware_at", label="when the school became aware",
                     now=now) or now
    if occurred and discovered and discovered < occurred:
        raise DomainError("When you found out cannot be before it happened.",
                          field="discovered_at")
    if personal_data is not None and not isinstance(personal_data, bool):
        raise DomainError("Answer yes, no or not sure.", field="personal_data")
    code = receipt_code() if channel == Channel.PUBLIC else ""
    with transaction.atomic():
        year, number, reference = next_reference(school, now)
        incident = Incident.objects.create(
            school=school, reference=reference, reference_year=year, reference_number=number,
            channel=channel, reported_by=actor if getattr(actor, "is_authenticated", False)
            else None, receipt_hash=receipt_hash(code) if code else "", occurred_at=occurred,
            discovered_at=discovered, received_at=now, aware_at=aware,
            personal_data=personal_data, **fields,
        )
        audit_record(
            action="incidents.incident.reported", school=school, actor=actor, target=incident,
            target_label=reference,
            changes={"reference": reference, "channel": channel, "received_at": now,
                     "aware_at": aware, "personal_data": personal_data,
                     "title": "recorded", "description": "recorded"},
        )
        pk = incident.pk
        transaction.on_commit(lambda: _notify(pk), robust=True)
    return incident, code
