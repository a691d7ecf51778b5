"""The daily password reminder e-mails, sent by the scheduler's ten-minute tick.

Once a day, at the first tick after 07:00 Europe/London (the day is claimed on
``SchedulerState`` by one conditional UPDATE, as the nightly backup claims its night, so
several workers or a restart send it once; a day missed while no worker ran is caught up only
within 12 hours, as the other reminders are), every holder whose password change is due
within ``SOON_DAYS`` days gets one e-mail per system, and one more once it is overdue: each
at most once per (system, person, due date), kept by a ``Reminder`` row whose unique
constraint refuses a second. A holder who can sign in to Schoolkeep is sent to their own page
of password changes; a holder who cannot gets a personal one-use link (``links.py``).

An e-mail that cannot be sent gives its ``Reminder`` row back, so that the next day tries
again. Holders without an e-mail address get none: their overdue change becomes the IT
lead's duty, as the duties say.

What leaves the school: the school's name, the system's name, the due date and a link.
Never a password, a child's name, or why a change was asked for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.context import audit_context
from schoolkeep.audit.services import audit_record
from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import CATCH_UP, daily_slot, register_tick
from schoolkeep.passwords.models import ForcedChange, PasswordCycle, Reminder
from schoolkeep.passwords.reminders.links import LINK_DAYS, link_issue, link_url
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import Membership, School

logger = logging.getLogger(__name__)

JOB = "passwords.reminders"
REMINDER_TIME = time(7, 0)
SOON_DAYS = 7

ACTION_LABELS = {
    "passwords.reminders.sent": "Password change reminders sent",
}


@dataclass(frozen=True)
class Due:
    """One holder's change to remind them of."""

    school: School
    person: Person
    system: System
    due_on: date
    overdue: bool
    has_account: bool


@dataclass
class SendReport:
    day: date
    sent: list[Due] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)
    no_address: int = 0


def _schools_with_cycles() -> list[School]:
    ids = set(PasswordCycle.objects.filter(archived_at__isnull=True)
              .values_list("school_id", flat=True).distinct())
    ids |= set(ForcedChange.objects.filter(settled_at__isnull=True)
               .values_list("school_id", flat=True).distinct())
    return list(School.objects.filter(pk__in=ids).order_by("pk"))


def _member_user_ids(school: School) -> set[int]:
    """Users who can sign in to the school: an active account with an active membership."""
    return set(Membership.objects.filter(school=school, is_active=True, user__is_active=True)
               .values_list("user_id", flat=True))


def _already(school: School, keys: set[tuple[int, int, date, bool]]) -> set[Any]:
    """Which of ``keys`` (system, person, due date, overdue) were reminded: one query, of
    the school's reminders for due dates from the earliest asked."""
    if not keys:
        return set()
    rows = (Reminder.objects.filter(school=school, due_on__gte=min(k[2] for k in keys))
            .values_list("system_id", "person_id", "due_on", "overdue"))
    return {row for row in rows if row in keys}


def reminders_due(*, today: date, school: School) -> list[Due]:
    """The school's holders to remind today (due within SOON_DAYS, or overdue), less those
    already reminded for that due date (and lateness). A few queries per school."""
    from schoolkeep.passwords.selectors import holder_dues

    soon = today + timedelta(days=SOON_DAYS)
    dues = [due for due in holder_dues(school=school, today=today)
            if due.overdue or due.due_on <= soon]
    if not dues:
        return []
    keys = {(due.system.pk, due.person.pk, due.due_on, bool(due.overdue)) for due in dues}
    sent = _already(school, keys)
    members = _member_user_ids(school)
    result = []
    for due in dues:
        key = (due.system.pk, due.person.pk, due.due_on, bool(due.overdue))
        if key in sent:
            continue
        sent.add(key)
        result.append(Due(school=school, person=due.person, system=due.system,
                          due_on=due.due_on, overdue=bool(due.overdue),
                          has_account=due.person.user_id in members))
    result.sort(key=lambda d: (d.due_on, d.system.name, d.person.name_key, d.person.pk))
    return result


def _message(due: Due, *, url: str, expires_on: date | None, today: date) -> EmailMessage:
    context = {"school_name": due.school.name, "system_name": due.system.name,
               "name": due.person.full_name, "due_on": due.due_on, "overdue": due.overdue,
               "due_today": due.due_on == today, "url": url, "expires_on": expires_on,
               "personal_link": expires_on is not None}
    subject = render_to_string("passwords/reminders/email/reminder_subject.txt", context)
    body = render_to_string("passwords/reminders/email/reminder_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[due.person.email])


def _own_page_url() -> str:
    """The holder's own page of password changes."""
    return f"{settings.BASE_URL}{reverse('passwords:mine')}"


def _claim_and_build(due: Due, now: datetime, today: date) -> tuple[Reminder, EmailMessage] | None:
    """Write the reminder's row (and the person's link) in one transaction; None when
    another run wrote it first."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(school=due.school, system=due.system,
                                               person=due.person, due_on=due.due_on,
                                               overdue=due.overdue)
            if due.has_account:
                url = _own_page_url()
                expires_on = None
            else:
                _link, token = link_issue(school=due.school, system=due.system,
                                          person=due.person, now=now)
                url = link_url(token)
                expires_on = timezone.localdate(now + timedelta(days=LINK_DAYS))
    except IntegrityError:
        return None
    return reminder, _message(due, url=url, expires_on=expires_on, today=today)


def password_reminders_send(*, now: datetime | None = None) -> SendReport:
    """Send today's password reminders in every school (see the module's docstring)."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    report = SendReport(day=today)
    for school in _schools_with_cycles():
        sent_here = 0
        for due in reminders_due(today=today, school=school):
            if not due.person.email:
                report.no_address += 1
                continue
            claimed = _claim_and_build(due, moment, today)
            if claimed is None:
                continue
            reminder, message = claimed
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # any transport failure: try again tomorrow
                logger.warning("Password reminder %s not sent: %s", reminder.pk, exc)
                Reminder.objects.filter(pk=reminder.pk).delete()
                report.failed.append((due, str(exc) or exc.__class__.__name__))
                continue
            report.sent.append(due)
            sent_here += 1
        if sent_here:
            with transaction.atomic():
                audit_record(action="passwords.reminders.sent", school=school,
                             target_type="passwords.reminder", target_label=str(today),
                             changes={"day": today, "sent": sent_here})
    return report


def claim_day(now: datetime) -> bool:
    """True once a day, for the first caller after that day's 07:00 (Europe/London)."""
    slot = daily_slot(now, REMINDER_TIME)
    SchedulerState.objects.get_or_create(job=JOB)
    claimed = (SchedulerState.objects.filter(job=JOB)
               .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
               .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def daily_tick(now: datetime) -> SendReport | None:
    """The ten-minute tick: send the day's reminders at its first tick after 07:00."""
    if not claim_day(now):
        return None
    if now - daily_slot(now, REMINDER_TIME) > CATCH_UP:  # nobody is e-mailed in the evening
        logger.info("Password reminders skipped today: the worker started too late.")
        return None
    with audit_context(actor_label="scheduler"):
        return password_reminders_send(now=now)


def register() -> None:
    register_tick(JOB, daily_tick)
