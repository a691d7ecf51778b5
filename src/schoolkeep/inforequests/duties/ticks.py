"""Reminders to the DPO as a request's time runs out: at 50 %, 75 % and 90 % of the time
from the clock's start to the deadline (``clocks.deadline.elapsed_fraction``), each once.

Hourly. The scheduler's tick runs every ten minutes; this one claims the hour first (a
conditional UPDATE of its ``SchedulerState`` row, ``last_slot < this hour``), so with
several workers only one of them looks for reminders each hour. Each reminder is then
claimed on its own row (``reminded_<n>_at IS NULL``, no later reminder sent, and the
request, as it is at that moment, still open, not waiting and not an acknowledged
complaint) before it is sent, and the e-mail goes after that transaction commits: a
reminder is sent once even when two ticks overlap, and never for a request answered,
withdrawn, paused or acknowledged since the candidates were read. A tick that comes late
(the worker was down) sends only the latest reminder due, never a burst of older ones, and
an older one is never sent after a later one (an extension that moves the deadline back
does not send the 50 % one after the 75 %).

Not reminded: a request waiting for the requester (its clock does not run to a deadline),
a complaint once acknowledged (no further legal deadline), one answered or withdrawn.

To whom: the school's DPO(s); when the school has none, its SIRO(s); never a member the
request is hidden from. The e-mail carries the reference, the kind, the deadline and a
link: never a name or what was asked.

Work per hour: one query finds the candidates of every school, one the DPOs and SIROs of
their schools, one the members they are hidden from; then one claim (and audit event) per
reminder sent.
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
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from schoolkeep.audit.context import audit_context
from schoolkeep.audit.services import audit_record
from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import every_slot, register_tick
from schoolkeep.duties.types import local_date
from schoolkeep.inforequests.clocks.deadline import days_left, elapsed_fraction
from schoolkeep.inforequests.models import Kind, Request, Status
from schoolkeep.tenancy.models import MembershipRole
from schoolkeep.tenancy.roles import Role

logger = logging.getLogger(__name__)

TICK_NAME = "requests.reminders"
EVERY = timedelta(hours=1)
PERCENTS = (50, 75, 90)
# A request whose clock still runs to a deadline: found (``candidates``) and claimed
# (``_claim``) on the same condition.
RUNNING = (Q(status=Status.OPEN, waiting_since__isnull=True)
           & ~Q(kind=Kind.COMPLAINT, acknowledged_on__isnull=False))

ACTION_LABELS = {
    "requests.request.reminded": "Deadline reminder sent to the data protection officer",
}


def field_of(percent: int) -> str:
    return f"reminded_{percent}_at"


def latest_due(fraction: float) -> int | None:
    """The latest reminder reached at this fraction of the time (50, 75 or 90), or None."""
    reached = [percent for percent in PERCENTS if fraction * 100 >= percent]
    return reached[-1] if reached else None


def _from(percent: int) -> list[str]:
    """The reminder and the later ones: none of them may have been sent."""
    return [field_of(each) for each in PERCENTS if each >= percent]


def candidates() -> list[Request]:
    """One query: every open request, in every school, whose clock runs and whose last
    reminder has not been sent."""
    return list(
        Request.objects.filter(RUNNING, reminded_90_at__isnull=True)
        .select_related("school")
        .only("pk", "public_id", "reference", "kind", "school_id", "school__name",
              "clock_starts_on", "due_on", "due_estimated",
              *(field_of(percent) for percent in PERCENTS))
        .order_by("due_on", "pk"))


def due_reminders(today: Any) -> list[tuple[Request, int]]:
    """(request, percent) for each reminder to send today (see the module docstring)."""
    found = []
    for request in candidates():
        percent = latest_due(elapsed_fraction(request, today))
        if percent is None or any(getattr(request, name) for name in _from(percent)):
            continue
        found.append((request, percent))
    return found


def recipients(requests: list[Request]) -> dict[int, list[str]]:
    """{request pk: addresses}: the DPOs of its school, else its SIROs, leaving out members
    it is hidden from (two queries)."""
    school_ids = sorted({request.school_id for request in requests})
    holders: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for school_id, role, user_id, email in (
            MembershipRole.objects.filter(
                membership__school_id__in=school_ids, membership__is_active=True,
                membership__user__is_active=True, role__in=[Role.DPO, Role.SIRO])
            .order_by("membership__user_id")
            .values_list("membership__school_id", "role", "membership__user_id",
                         "membership__user__email")):
        holders[(school_id, role)].append((user_id, email))
    hidden: dict[int, set[int]] = defaultdict(set)
    for request_id, user_id in Request.hidden_from.through.objects.filter(
            request_id__in=[request.pk for request in requests]).values_list(
            "request_id", "user_id"):
        hidden[request_id].add(user_id)
    result = {}
    for request in requests:
        addresses: list[str] = []
        for role in (Role.DPO, Role.SIRO):
            addresses = sorted({email for user_id, email in holders[(request.school_id, role)]
                                if user_id not in hidden[request.pk] and email})
            if addresses:
                break
        result[request.pk] = addresses
    return result


def _claim(request: Request, percent: int, now: datetime) -> bool:
    """Mark the reminder sent, in one conditional UPDATE that checks the request as it is
    now, not as the candidates' query read it: False when another worker got there first, a
    later reminder has gone, or since it was read the request was answered or withdrawn,
    began waiting for the requester, or (a complaint) was acknowledged."""
    unsent = Q()
    for name in _from(percent):
        unsent &= Q(**{f"{name}__isnull": True})
    return Request.objects.filter(RUNNING, unsent, pk=request.pk).update(
        **{field_of(percent): now}) == 1


def reminder_message(request: Request, percent: int, today: Any) -> tuple[str, str]:
    """(subject, body): the reference, the kind, the deadline, the days left and a link."""
    try:
        path = reverse("requests:request-detail", args=[request.public_id])
    except NoReverseMatch:  # the request pages not mounted: the list of requests
        path = reverse("requests:request-list") if _mounted("requests:request-list") else "/"
    context: dict[str, Any] = {
        "request": request, "kind": request.get_kind_display(), "percent": percent,
        "school": request.school, "due_on": request.due_on,
        "left": days_left(request, today), "url": settings.BASE_URL + path,
    }
    subject = render_to_string("inforequests/duties/reminder_subject.txt", context)
    body = render_to_string("inforequests/duties/reminder.txt", context)
    return " ".join(subject.split()), body


def _mounted(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _send(request: Request, percent: int, today: Any, to: list[str]) -> None:
    subject, body = reminder_message(request, percent, today)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=to)


def _claim_hour(now: datetime) -> bool:
    """This hour's run, claimed once across workers."""
    slot = every_slot(now, EVERY)
    SchedulerState.objects.get_or_create(job=TICK_NAME)
    return SchedulerState.objects.filter(job=TICK_NAME).filter(
        Q(last_slot__isnull=True) | Q(last_slot__lt=slot)).update(
        last_slot=slot, last_enqueued_at=now) == 1


def send_request_reminders(now: datetime) -> list[tuple[str, int]]:
    """Send every reminder due now, each once. Returns (reference, percent) sent."""
    today = local_date(now)
    due = due_reminders(today)
    if not due:
        return []
    to_whom = recipients([request for request, _ in due])
    sent = []
    with audit_context(actor_label="system"):
        for request, percent in due:
            to = to_whom.get(request.pk, [])
            with transaction.atomic():
                if not _claim(request, percent, now):
                    continue
                audit_record(action="requests.request.reminded", school=request.school_id,
                             target=request, target_label=request.reference,
                             changes={field_of(percent): now, "recipients": len(to)})
                if to:
                    transaction.on_commit(partial(_send, request, percent, today, to),
                                          robust=True)
                else:
                    logger.warning("Request %s has no DPO or SIRO to remind.",
                                   request.reference)
            sent.append((request.reference, percent))
    return sent


def hourly(now: datetime) -> list[tuple[str, int]]:
    """The tick: once an hour (claimed), the reminders due."""
    with transaction.atomic():
        claimed = _claim_hour(now)
    return send_request_reminders(now) if claimed else []


def register() -> None:
    register_tick(TICK_NAME, hourly)
