"""Writes of the duties layer: the daily reminder e-mails.

``reminders_send`` e-mails each person (an active account with an active membership) the
duties they own that are overdue or due in the next 14 days, across all their schools, in
one e-mail, at most once a day (Europe/London). Before sending, it claims the day by writing
one ``ReminderLog`` row per school in a transaction; the unique (user, date, school)
constraint means two runs at once cannot both send. If the e-mail cannot be sent, the claim
is removed so that a later run that day tries again.

Bounds: the e-mail lists at most ``KIND_PREVIEW`` (5) duties of each kind per school, the
most urgent, with the kind's counts and a link to the page of that kind, so a school with
thousands of duties of one kind sends a short e-mail. They are read per kind for each
member of each school (``duties.selectors.DutyReader``: each provider's counts, then the few
most urgent of each kind the member has), so neither the time per person nor the memory
grows with the number of duties; providers read whole are read once per school.

What leaves the school: each duty's title, its school's name, its due date and a link built
from ``settings.BASE_URL``. Titles are written never to name a child or carry
special-category details (see ``duties.types``); the subject line holds only counts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolkeep.accounts.models import User
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.duties.models import ReminderLog
from schoolkeep.duties.selectors import DutyReader, KindGroup, holders_of
from schoolkeep.duties.types import Duty, DutyCounts, local_date
from schoolkeep.tenancy.models import Membership, School

logger = logging.getLogger(__name__)


@dataclass
class Reminder:
    """One person's e-mail: their duties, grouped by school, then by kind."""

    user: User
    by_school: list[tuple[School, list[KindGroup]]]

    @property
    def duties(self) -> list[Duty]:
        """The duties listed (the most urgent few of each kind)."""
        return [duty for _school, groups in self.by_school for group in groups
                for duty in group.first]

    @property
    def counts(self) -> DutyCounts:
        """Every duty of theirs, listed or not."""
        return _summed(groups for _school, groups in self.by_school)

    @property
    def overdue_count(self) -> int:
        return self.counts.overdue

    @property
    def due_count(self) -> int:
        return self.counts.due


def _summed(per_school: Iterable[list[KindGroup]]) -> DutyCounts:
    summed = DutyCounts()
    for groups in per_school:
        for group in groups:
            summed = summed + group.counts
    return summed


@dataclass
class ReminderReport:
    day: date
    dry_run: bool
    sent: list[Reminder] = field(default_factory=list)  # or, on a dry run, would be sent
    already_sent: int = 0  # people who had today's reminder already
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def reminders_pending(now: datetime) -> tuple[date, list[Reminder], int]:
    """Who would get a reminder now: (the day, reminders, how many already had today's)."""
    day = local_date(now)
    schools = {
        school.pk: school
        for school in School.objects.filter(
            Exists(Membership.objects.filter(school=OuterRef("pk"), is_active=True))
        ).only("pk", "name", "slug")
    }
    holders = holders_of(list(schools))
    # Every duty falls to someone holding a role in its school (or to nobody).
    by_school: dict[int, set[int]] = defaultdict(set)
    for (school_id, _role), user_ids in holders.items():
        by_school[school_id].update(user_ids)
    candidates = {user_id for user_ids in by_school.values() for user_id in user_ids}
    already = set(
        ReminderLog.objects.filter(date=day, user_id__in=list(candidates)).values_list(
            "user_id", flat=True
        )
    )
    users = User.objects.filter(pk__in=[uid for uid in candidates if uid not in already])
    users = users.filter(is_active=True).exclude(email="").order_by("email")
    grouped: dict[int, list[tuple[School, list[KindGroup]]]] = defaultdict(list)
    wanted = {user.pk for user in users}
    for school_id, school in sorted(schools.items(), key=lambda item: item[1].name):
        whole: dict[str, list[Duty]] = {}  # providers read whole: once for the school
        for user_id in sorted(by_school[school_id] & wanted):
            groups = DutyReader(school_id, now, holders=holders, user_id=user_id,
                                whole=whole).groups(mine=True)
            if groups:
                grouped[user_id].append((school, groups))
    reminders = [Reminder(user=user, by_school=grouped[user.pk])
                 for user in users if grouped.get(user.pk)]
    return day, reminders, len(already)


def _message(reminder: Reminder) -> EmailMessage:
    base = settings.BASE_URL
    overdue, due = reminder.overdue_count, reminder.due_count
    parts = []
    if overdue:
        parts.append(f"{overdue} overdue")
    if due:
        parts.append(f"{due} due soon")
    subject = f"Schoolkeep: {' and '.join(parts)}"
    body = render_to_string(
        "duties/email/reminder.txt",
        {
            "user": reminder.user,
            "by_school": [
                (school, [
                    (group, [(duty, base + duty.url) for duty in group.first],
                     base + reverse("duties:duty-kind-list", args=[group.kind]))
                    for group in groups
                ])
                for school, groups in reminder.by_school
            ],
            "dashboard_url": base + reverse("duties:dashboard"),
            "account_url": base + reverse("accounts:account"),
        },
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.user.email])


def _claim(reminder: Reminder, day: date) -> bool:
    """Write today's log rows for this person; False when someone else got there first."""
    rows = [
        ReminderLog(
            user=reminder.user,
            school=school,
            date=day,
            due_count=_summed([groups]).due,
            overdue_count=_summed([groups]).overdue,
        )
        for school, groups in reminder.by_school
    ]
    try:
        with transaction.atomic():
            if ReminderLog.objects.filter(user=reminder.user, date=day).exists():
                return False
            for row in rows:
                row.full_clean(validate_unique=False)
            ReminderLog.objects.bulk_create(rows)
    except IntegrityError:
        return False
    return True


def _audit_run(report: ReminderReport) -> None:
    per_school: dict[int, int] = defaultdict(int)
    names: dict[int, School] = {}
    for reminder in report.sent:
        for school, _duties in reminder.by_school:
            per_school[school.pk] += 1
            names[school.pk] = school
    with transaction.atomic():
        for school_id, people in sorted(per_school.items()):
            audit_record(
                action="duties.reminders.sent",
                school=names[school_id],
                target_type="duties.reminderlog",
                target_id=report.day.isoformat(),
                target_label=f"Reminders of {report.day:%d %B %Y}",
                changes=diff(None, {"people_reminded": people}),
            )


def reminders_send(*, now: datetime | None = None, dry_run: bool = False) -> ReminderReport:
    """E-mail everyone their due and overdue duties, at most once a day each."""
    moment = now or timezone.now()
    day, pending, already = reminders_pending(moment)
    report = ReminderReport(day=day, dry_run=dry_run, already_sent=already)
    if dry_run:
        report.sent = pending
        return report
    for reminder in pending:
        if not _claim(reminder, day):
            report.already_sent += 1
            continue
        try:
            _message(reminder).send(fail_silently=False)
        except Exception as exc:
            logger.warning("Reminder to user %s not sent: %s", reminder.user.pk, exc)
            ReminderLog.objects.filter(user=reminder.user, date=day).delete()
            report.failed.append((reminder, str(exc) or exc.__class__.__name__))
            continue
        report.sent.append(reminder)
    if report.sent:
        _audit_run(report)
    return report
