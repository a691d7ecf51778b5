"""The ICO-deadline reminders, sent by the scheduler's ten-minute tick.

While a report's clock runs (it is not a security incident or a near miss, it is not closed,
and the school has neither decided not to report it nor sent the report to the ICO), the DPO
and SIRO of its school are e-mailed 24, 48 and 66 hours after the school became aware of it,
each reminder once. A tick that comes late (the
worker was down) sends only the latest reminder due, never a burst of older ones: the older
ones stay unsent (their ``reminded_*_at`` stays empty) and are never sent afterwards.

"Once" holds with several workers: a reminder is claimed by a conditional UPDATE
(``reminded_<h>_at IS NULL``) before it is sent, and only the worker whose UPDATE changed the
row sends it, after its transaction commits. The e-mail carries the reference, the deadline in
Europe/London, the time left and a link; never what happened.

Work per tick: one query finds the due reminders of every school, one finds the DPOs and
SIROs of those schools, then one claim (and audit event) per reminder sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from schoolkeep.audit.context import audit_context
from schoolkeep.audit.services import audit_record
from schoolkeep.duties.scheduler import register_tick
from schoolkeep.incidents.clock import (
    ICO_REPORT_URL,
    REMINDER_HOURS,
    clock_runs,
    in_london,
    time_left,
)
from schoolkeep.incidents.models import (
    NO_PERSONAL_DATA_KINDS,
    Decision,
    Incident,
    Status,
    ico_settled,
)
from schoolkeep.tenancy.models import MembershipRole
from schoolkeep.tenancy.roles import Role

logger = logging.getLogger(__name__)

TICK_NAME = "incidents.ico-reminders"

ACTION_LABELS = {
    "incidents.incident.reminded": "ICO deadline reminder sent to the DPO and SIRO",
}


def _field(hours: int) -> str:
    return f"reminded_{hours}_at"


def clock_running() -> QuerySet[Incident]:
    """Reports whose clock runs, in every school (clock.clock_runs, in SQL)."""
    settled = Decision.objects.filter(ico_settled(), incident_id=OuterRef("pk"))
    return (Incident.objects.exclude(status=Status.CLOSED)
            .exclude(kind__in=list(NO_PERSONAL_DATA_KINDS))
            .filter(~Exists(settled)))


def _latest_due(now: datetime) -> Q:
    """Reports whose latest reminder due by ``now`` has not been sent: between 24 and 48
    hours after awareness the 24-hour one, and so on; from 66 hours on, the 66-hour one."""
    q = Q(pk__in=[])
    bounds = [*REMINDER_HOURS[1:], None]
    for hours, next_hours in zip(REMINDER_HOURS, bounds, strict=True):
        window = Q(aware_at__lte=now - timedelta(hours=hours))
        if next_hours is not None:
            window &= Q(aware_at__gt=now - timedelta(hours=next_hours))
        q |= window & Q(**{f"{_field(hours)}__isnull": True})
    return q


def latest_due_hours(aware_at: datetime, now: datetime) -> int | None:
    """Which reminder is the latest due ``now`` (24, 48 or 66), or None before the first."""
    elapsed = now - aware_at
    due = [hours for hours in REMINDER_HOURS if elapsed >= timedelta(hours=hours)]
    return due[-1] if due else None


def due_reminders(now: datetime) -> list[Incident]:
    """One query: every report, in every school, with a reminder to send now."""
    to_send = Decision.objects.filter(incident_id=OuterRef("pk"), kind=Decision.Kind.ICO,
                                      tell=True)
    return list(
        clock_running().filter(_latest_due(now)).select_related("school")
        .annotate(ico_to_send=Exists(to_send))
        .only("pk", "public_id", "reference", "aware_at", "kind", "status", "school_id",
              "school__name", *(_field(hours) for hours in REMINDER_HOURS))
        .order_by("aware_at", "pk")
    )


def _recipients(school_ids: list[int]) -> dict[int, list[str]]:
    """The DPOs' and SIROs' addresses per school, in one query."""
    rows = MembershipRole.objects.filter(
        membership__school_id__in=school_ids, membership__is_active=True,
        membership__user__is_active=True, role__in=[Role.DPO, Role.SIRO],
    ).values_list("membership__school_id", "membership__user__email")
    result: dict[int, set[str]] = defaultdict(set)
    for school_id, email in rows:
        result[school_id].add(email)
    return {school_id: sorted(emails) for school_id, emails in result.items()}


def _claim(incident: Incident, hours: int, now: datetime) -> bool:
    """Mark the reminder sent; False when another worker got there first."""
    field = _field(hours)
    return Incident.objects.filter(
        pk=incident.pk, **{f"{field}__isnull": True}
    ).update(**{field: now}) == 1


def reminder_message(incident: Incident, hours: int, now: datetime) -> tuple[str, str]:
    """(subject, body): the reference, the deadline in London, the time left and a link."""
    left = time_left(incident.aware_at, now)
    context: dict[str, Any] = {
        "incident": incident,
        # Decided to report, not yet sent (annotated by due_reminders; the clock runs on).
        "to_send": bool(getattr(incident, "ico_to_send", False)),
        "ico_url": ICO_REPORT_URL,
        "hours": hours,
        "school": incident.school,
        "deadline": left.deadline_london,
        "left": left,
        "aware": in_london(incident.aware_at),
        "url": settings.BASE_URL + reverse("incidents:incident-detail",
                                           args=[incident.public_id]),
    }
    subject = render_to_string("incidents/email/ico_reminder_subject.txt", context)
    body = render_to_string("incidents/email/ico_reminder.txt", context)
    return " ".join(subject.split()), body


def _send(incident: Incident, hours: int, now: datetime, recipients: list[str]) -> None:
    subject, body = reminder_message(incident, hours, now)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)


def send_ico_reminders(now: datetime) -> list[tuple[str, int]]:
    """The tick: send every reminder due now, each once. Returns (reference, hours) sent."""
    incidents = due_reminders(now)
    if not incidents:
        return []
    recipients = _recipients(sorted({incident.school_id for incident in incidents}))
    sent = []
    with audit_context(actor_label="system"):
        for incident in incidents:
            hours = latest_due_hours(incident.aware_at, now)
            if hours is None or not clock_runs(kind=incident.kind, ico_settled=False):
                continue
            to = recipients.get(incident.school_id, [])
            with transaction.atomic():
                if not _claim(incident, hours, now):
                    continue
                audit_record(
                    action="incidents.incident.reminded", school=incident.school_id,
                    target=incident, target_label=incident.reference,
                    changes={_field(hours): now, "recipients": len(to)},
                )
                if to:
                    transaction.on_commit(partial(_send, incident, hours, now, to), robust=True)
                else:
                    logger.warning("Incident %s has no DPO or SIRO to remind.",
                                   incident.reference)
            sent.append((incident.reference, hours))
    return sent


def register() -> None:
    """Called by the app's ready(): the scheduler's tick calls the reminders."""
    register_tick(TICK_NAME, send_ico_reminders)
