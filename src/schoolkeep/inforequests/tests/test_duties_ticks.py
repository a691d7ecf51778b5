"""Reminders to the DPO at 50 %, 75 % and 90 % of a request's time, each sent once (also
when two workers tick together), only the latest when a tick comes late, never to a member
the request is hidden from, never while the school waits for the requester; the e-mail
carries the reference, the kind and the deadline, never a name; audited; hourly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.scheduler import registered_ticks
from schoolkeep.inforequests.duties import ticks
from schoolkeep.inforequests.duties.ticks import TICK_NAME, hourly, send_request_reminders
from schoolkeep.inforequests.models import Kind, Request
from schoolkeep.inforequests.tests.duties_support import (
    LONDON,
    NARRATIVE,
    REQUESTER,
    SUBJECT,
    hold,
    make,
)
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db

# A month's clock: from Tuesday 1 December to Thursday 31 December 2026 (30 days): 50 % on
# the 16th, 75 % on the 24th (23 days is 76.7 %), 90 % on the 28th (27 days).
STARTS = datetime(2026, 12, 1, tzinfo=LONDON).date()
DUE = datetime(2026, 12, 31, tzinfo=LONDON).date()


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 12, day, hour, 5, tzinfo=LONDON)


def month(school: Any, **fields: Any) -> Request:
    return make(school, received=STARTS, due=DUE, **fields)


def sent(request: Request) -> tuple[bool, bool, bool]:
    request.refresh_from_db()
    return (request.reminded_50_at is not None, request.reminded_75_at is not None,
            request.reminded_90_at is not None)


def test_each_reminder_is_sent_once_at_50_75_and_90_percent(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    request = month(personas.school)
    for day, expected, reminders in ((15, (False, False, False), []),
                                     (16, (True, False, False), [50]),
                                     (17, (True, False, False), []),
                                     (24, (True, True, False), [75]),
                                     (28, (True, True, True), [90]),
                                     (30, (True, True, True), [])):
        with django_capture_on_commit_callbacks(execute=True):
            result = send_request_reminders(at(day))
        assert result == [(request.reference, percent) for percent in reminders], day
        assert sent(request) == expected, day
    assert len(mail.outbox) == 3


def test_a_late_tick_sends_only_the_latest_reminder_due(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    request = month(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_request_reminders(at(25)) == [(request.reference, 75)]
    assert sent(request) == (False, True, False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_request_reminders(at(26)) == []
    # An extension moving the deadline back never sends the older 50 % one after it.
    Request.objects.filter(pk=request.pk).update(due_on=DUE + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_request_reminders(at(31)) == []
    assert len(mail.outbox) == 1


def test_the_dpo_is_emailed_and_nobody_else(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    month(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        send_request_reminders(at(16))
    [message] = mail.outbox
    assert message.to == [personas.dpo.email]


def test_without_a_dpo_or_hidden_from_them_the_siro_is_emailed(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    hidden = month(personas.school)
    hidden.hidden_from.add(personas.dpo)
    other = month(personas.other_school)  # the outsider is its SIRO; it has no DPO
    with django_capture_on_commit_callbacks(execute=True):
        send_request_reminders(at(16))
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [personas.siro.email, personas.outsider.email])
    assert other.reference in " ".join(m.subject for m in mail.outbox)


def test_hidden_from_every_dpo_and_siro_it_is_claimed_and_sent_to_nobody(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    hidden = month(personas.school)
    hidden.hidden_from.add(personas.dpo, personas.siro)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_request_reminders(at(16)) == [(hidden.reference, 50)]
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="requests.request.reminded")
    assert event.changes["recipients"] == 0


def test_the_email_carries_reference_kind_and_deadline_never_names(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    request = month(personas.school, kind=Kind.FOI)
    with django_capture_on_commit_callbacks(execute=True):
        send_request_reminders(at(24))
    [message] = mail.outbox
    assert message.subject == (f"{request.reference}: 75% of the time to respond has gone "
                               "(deadline 31 December 2026)")
    assert "Kind: Freedom of information request" in message.body
    assert "Deadline: Thursday 31 December 2026" in message.body
    assert "Days left: 7 days" in message.body
    assert f"/requests/{request.public_id}/" in message.body
    for words in (REQUESTER, SUBJECT, "Thistlewood", NARRATIVE):
        assert words not in message.subject and words not in message.body


def test_no_reminder_while_waiting_nor_for_an_acknowledged_complaint(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    waiting = month(personas.school)
    hold(waiting, asked=-10)
    month(personas.school, kind=Kind.COMPLAINT, acknowledged_on=STARTS)
    month(personas.school, status="answered", responded_on=STARTS)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_request_reminders(at(28)) == []
    assert mail.outbox == []


def test_two_workers_never_send_the_same_reminder_twice(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    request = month(personas.school)
    first = ticks.due_reminders(at(16).date())
    second = ticks.due_reminders(at(16).date())
    with django_capture_on_commit_callbacks(execute=True):
        claims = [ticks._claim(found, percent, at(16)) for found, percent in first + second]
    assert claims == [True, False]
    assert sent(request) == (True, False, False)


def test_sending_is_audited_with_the_reference_only(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    request = month(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        send_request_reminders(at(16))
    event = AuditEvent.objects.get(action="requests.request.reminded")
    assert event.target_label == request.reference
    assert set(event.changes) == {"reminded_50_at", "recipients"}


@pytest.mark.parametrize("n", [3, 40])
def test_the_queries_do_not_grow_with_the_schools(personas: Personas, n: int) -> None:
    for _ in range(n):
        month(SchoolFactory())
    with CaptureQueriesContext(connection) as found:
        due = ticks.due_reminders(at(16).date())
        ticks.recipients([request for request, _ in due])
    assert len(due) == n and len(found) == 3


def test_the_tick_runs_once_an_hour(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    assert registered_ticks()[TICK_NAME] is hourly
    request = month(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly(at(16, 0)) == [(request.reference, 50)]
        # Forgotten, the reminder would be due again; but this hour has been claimed.
        Request.objects.filter(pk=request.pk).update(reminded_50_at=None)
        assert hourly(at(16, 0) + timedelta(minutes=20)) == []
        assert hourly(at(16, 1)) == [(request.reference, 50)]
    assert len(mail.outbox) == 2


def test_an_inactive_dpo_is_not_emailed(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    Membership.objects.filter(user=personas.dpo).update(is_active=False)
    month(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        send_request_reminders(at(16))
    assert [message.to for message in mail.outbox] == [[personas.siro.email]]
