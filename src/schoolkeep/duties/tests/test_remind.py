"""``schoolkeep remind``: each person's due and overdue duties, at most once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.models import ReminderLog
from schoolkeep.duties.services import reminders_send
from schoolkeep.duties.tasks import send_reminders
from schoolkeep.tenancy.roles import Role

from .conftest import confirm_terms, make_invitation, make_member

# 07:00 in London on a winter weekday (GMT), and the same day's evening.
MORNING = datetime(2026, 11, 4, 7, tzinfo=UTC)


@pytest.fixture
def duties(personas):
    """The business manager owes the term dates; the SIRO an expired invitation."""
    personas.staff.memberships.update(is_active=False)
    confirm_terms(year=2026, school=personas.other_school)
    make_invitation(personas.school, expires_at=MORNING - timedelta(days=2),
                    email="pupil.parent@example.org", full_name="Jamie Pupilname")
    return personas


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@time_machine.travel(MORNING, tick=False)
def test_each_owner_gets_one_email_with_their_duties(duties):
    output = remind()
    assert recipients() == [duties.business_manager.email, duties.siro.email]
    by_person = {message.to[0]: message for message in mail.outbox}
    manager = by_person[duties.business_manager.email]
    assert manager.subject == "Schoolkeep: 1 overdue"
    assert "Enter the term dates for 2026/27" in manager.body
    assert "http://testserver/school/terms/2026/" in manager.body
    assert "http://testserver/duties/" in manager.body
    siro = by_person[duties.siro.email]
    assert "An invitation expired before it was accepted" in siro.body
    # Titles only: the subject of a duty (here a name) never leaves the school.
    assert "Jamie" not in siro.body and "Jamie" not in siro.subject
    assert "E-mailed" in output and "2 reminded" in output
    assert ReminderLog.objects.count() == 2
    assert AuditEvent.objects.filter(action="duties.reminders.sent").count() == 1


@time_machine.travel(MORNING, tick=False)
def test_a_second_run_the_same_day_sends_nothing(duties):
    remind()
    sent = len(mail.outbox)
    with time_machine.travel(MORNING + timedelta(hours=14), tick=False):  # 21:00 London
        output = remind()
    assert len(mail.outbox) == sent
    assert "0 reminded, 2 already reminded today" in output
    with time_machine.travel(MORNING + timedelta(days=1), tick=False):
        remind()
    assert len(mail.outbox) == 2 * sent


@time_machine.travel(MORNING, tick=False)
def test_dry_run_sends_and_records_nothing(duties):
    output = remind("--dry-run")
    assert mail.outbox == []
    assert ReminderLog.objects.count() == 0
    assert f"Would e-mail {duties.business_manager.email}: 1 overdue, 0 due" in output
    assert "Oakfield Primary: [overdue] Enter the term dates for 2026/27" in output
    assert "nothing was sent or recorded" in output
    remind()
    assert len(mail.outbox) == 2


@time_machine.travel(MORNING, tick=False)
def test_a_person_in_two_schools_gets_one_email(duties):
    confirm_terms(year=2026, school=duties.school)
    make_invitation(duties.other_school, expires_at=MORNING + timedelta(days=2))
    from tests.factories import MembershipFactory

    MembershipFactory(user=duties.siro, school=duties.other_school, roles=[Role.SIRO])
    remind()
    [message] = [m for m in mail.outbox if duties.siro.email in m.to]
    assert message.subject == "Schoolkeep: 1 overdue and 1 due soon"
    assert "Oakfield Primary" in message.body and "Hillside Academy" in message.body
    assert ReminderLog.objects.filter(user=duties.siro).count() == 2


@time_machine.travel(MORNING, tick=False)
def test_nobody_without_an_active_account_and_membership_is_emailed(duties):
    duties.business_manager.memberships.update(is_active=False)  # the SIRO gets the terms
    duties.siro.is_active = False
    duties.siro.save()
    remind()
    assert mail.outbox == []


@time_machine.travel(MORNING, tick=False)
def test_a_failed_email_is_released_for_a_later_run(duties):
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no server")),
        pytest.raises(CommandError, match="could not be sent"),
    ):
        remind()
    assert ReminderLog.objects.count() == 0
    remind()
    assert len(mail.outbox) == 2


@time_machine.travel(MORNING, tick=False)
def test_two_overlapping_runs_send_once(duties):
    first = reminders_send()
    second = reminders_send()
    assert len(first.sent) == 2 and second.sent == []
    assert len(mail.outbox) == 2


@time_machine.travel(MORNING, tick=False)
def test_the_task_wraps_the_command(duties):
    result = send_reminders.enqueue()  # the immediate backend in tests
    assert result.return_value == {"day": "2026-11-04", "sent": 2, "already_sent": 0,
                                   "failed": 0}
    assert len(mail.outbox) == 2
    event = AuditEvent.objects.get(action="duties.reminders.sent")
    assert event.actor_label == "scheduler"


@time_machine.travel(datetime(2026, 11, 4, 23, 30, tzinfo=UTC), tick=False)
def test_the_day_is_the_london_day(duties):
    remind()
    assert set(ReminderLog.objects.values_list("date", flat=True)) == {
        datetime(2026, 11, 4).date()
    }
    make_member(duties.school, [Role.IAO])  # a new duty for someone else, same day
    with time_machine.travel(datetime(2026, 11, 4, 23, 50, tzinfo=UTC), tick=False):
        remind()
    assert len(mail.outbox) == 3  # only the newcomer
