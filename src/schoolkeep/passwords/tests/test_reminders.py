"""The daily password reminder e-mails: due within 7 days, once per due date, once more when
overdue; members go to their own page, others get a personal link; once a day from the tick."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from schoolkeep.duties.types import LONDON
from schoolkeep.passwords.events.services import forced_change_compromise
from schoolkeep.passwords.models import ChangeLink, PasswordChange, Reminder
from schoolkeep.passwords.reminders import sending
from schoolkeep.passwords.reminders.sending import daily_tick, password_reminders_send
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _cycle_due_in(personas, days: int, *, user=None, name="Grace Adeyemi", email=True):
    """A 30-day cycle whose holder's change is due ``days`` from today."""
    school = personas.school
    system = rec.system(school)
    holder = rec.person(school, name, user=user)
    if not email:
        holder.email = ""
        holder.save()
    rec.cycle(school, system, holders=[holder], cadence="every_n_days", every_days=30,
              starts_on=TODAY() - timedelta(days=30 - days))
    return system, holder


def test_a_holder_due_within_a_week_is_reminded_once(personas):
    _system, holder = _cycle_due_in(personas, 5, user=personas.staff, name="Sofia Novak")
    report = password_reminders_send()
    assert [due.person.pk for due in report.sent] == [holder.pk]
    [message] = mail.outbox
    assert message.to == [holder.email]
    assert message.subject == (
        f"Please change your SIMS password by {(TODAY() + timedelta(days=5)):%-d %B}")
    assert "/passwords/link/" not in message.body
    assert not ChangeLink.objects.exists()  # a member signs in instead
    assert password_reminders_send().sent == []
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().overdue is False


def test_a_holder_due_later_is_not_reminded_yet(personas):
    _cycle_due_in(personas, 8)
    assert password_reminders_send().sent == []
    assert mail.outbox == []


def test_an_overdue_holder_is_reminded_once_more(personas):
    _cycle_due_in(personas, 3)
    password_reminders_send()
    later = timezone.now() + timedelta(days=4)
    report = password_reminders_send(now=later)
    assert [due.overdue for due in report.sent] == [True]
    assert "is overdue" in mail.outbox[-1].subject
    assert password_reminders_send(now=later + timedelta(days=1)).sent == []
    assert list(Reminder.objects.order_by("overdue").values_list("overdue", flat=True)) == [
        False, True]
    assert len(mail.outbox) == 2


def test_a_holder_without_an_account_gets_a_personal_link_that_works(personas):
    system, holder = _cycle_due_in(personas, 2)
    password_reminders_send()
    [message] = mail.outbox
    assert "works once" in message.body
    token = re.search(r"/passwords/link/([A-Za-z0-9_-]+)/", message.body).group(1)
    assert ChangeLink.objects.get().person == holder
    Client().get(f"/passwords/link/{token}/")
    assert not PasswordChange.objects.exists()
    assert Client().post(f"/passwords/link/{token}/").status_code == 200
    assert PasswordChange.objects.get().system == system


def test_the_e_mail_names_no_one_but_the_holder_and_never_asks_for_a_password(personas):
    _cycle_due_in(personas, 1)
    password_reminders_send()
    [message] = mail.outbox
    assert "Grace" not in message.subject
    assert "Never type your password into Schoolkeep" in message.body


def test_a_holder_without_an_e_mail_address_gets_nothing_and_no_claim(personas):
    _cycle_due_in(personas, 1, email=False)
    report = password_reminders_send()
    assert (report.sent, report.no_address, mail.outbox) == ([], 1, [])
    assert not Reminder.objects.exists()


def test_a_compromise_reminds_every_holder_today(personas):
    system, holder = _cycle_due_in(personas, 20)
    forced_change_compromise(school=personas.school, system=system, actor=personas.siro)
    report = password_reminders_send()
    assert [(due.person.pk, due.due_on) for due in report.sent] == [(holder.pk, TODAY())]
    assert mail.outbox[0].subject == "Please change your SIMS password today"


def test_a_failed_send_gives_the_claim_back(personas, monkeypatch):
    _cycle_due_in(personas, 1)

    def broken(self, fail_silently=False):
        raise OSError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    report = password_reminders_send()
    assert len(report.failed) == 1
    assert not Reminder.objects.exists()


def test_the_tick_sends_once_a_day_after_seven(personas):
    _cycle_due_in(personas, 1)
    day = TODAY()
    eight = datetime.combine(day, time(8, 0), tzinfo=LONDON)
    assert daily_tick(eight - timedelta(hours=1, minutes=10)) is None  # 06:50: not yet
    first = daily_tick(eight)
    assert first is not None and len(first.sent) == 1
    assert daily_tick(eight + timedelta(minutes=10)) is None
    assert len(mail.outbox) == 1


def test_a_day_missed_until_the_evening_is_skipped(personas):
    _cycle_due_in(personas, 1)
    evening = datetime.combine(TODAY(), time(20, 0), tzinfo=LONDON)
    assert daily_tick(evening) is None
    assert mail.outbox == []


def test_the_tick_is_registered():
    from schoolkeep.duties.scheduler import registered_ticks

    assert registered_ticks()[sending.JOB] is daily_tick
