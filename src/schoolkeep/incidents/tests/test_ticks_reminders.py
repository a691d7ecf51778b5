"""The ICO-deadline reminders of the ten-minute tick: 24, 48 and 66 hours after awareness,
each once, to the DPO and SIRO, only while the clock runs; a late tick sends only the latest
reminder due; the e-mail carries the reference, the deadline, the time left and a link, never
what happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.scheduler import registered_ticks, run_ticks
from schoolkeep.incidents import ticks_clock
from schoolkeep.incidents.models import Channel, Decision, Incident, Kind, Status
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.incidents.ticks_clock import TICK_NAME, due_reminders, send_ico_reminders

pytestmark = pytest.mark.django_db

# Tuesday 2 June 2026, 09:00 BST.
AWARE = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
SECRET_TITLE = "Year 6 medical list emailed to the wrong parent"
SECRET_TEXT = "Asthma and allergy details of 31 pupils went to one parent."


def report(personas: Personas, *, aware: datetime = AWARE, school: Any = None,
           actor: Any = None, received: datetime | None = None) -> Incident:
    with time_machine.travel(received or aware, tick=False):
        incident, _ = incident_report(
            school=school or personas.school, actor=actor or personas.staff,
            channel=Channel.APP, title=SECRET_TITLE, description=SECRET_TEXT,
            data_involved="SIMS medical export", aware_at=aware, personal_data=True)
    return incident


def tick(now: datetime, capture: Any) -> list[tuple[str, int]]:
    with capture(execute=True):
        return send_ico_reminders(now)


def reminded(incident: Incident) -> tuple[Any, Any, Any]:
    incident.refresh_from_db()
    return incident.reminded_24_at, incident.reminded_48_at, incident.reminded_66_at


def test_each_reminder_is_sent_once_at_24_48_and_66_hours(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = report(personas)
    schedule = [
        (timedelta(hours=23, minutes=59), []),
        (timedelta(hours=24), [24]),
        (timedelta(hours=24, minutes=10), []),
        (timedelta(hours=47, minutes=50), []),
        (timedelta(hours=48, minutes=5), [48]),
        (timedelta(hours=60), []),
        (timedelta(hours=66), [66]),
        (timedelta(hours=66, minutes=10), []),
        (timedelta(hours=80), []),
    ]
    for elapsed, expected in schedule:
        sent = tick(AWARE + elapsed, django_capture_on_commit_callbacks)
        assert sent == [(incident.reference, hours) for hours in expected], elapsed
    assert len(mail.outbox) == 3
    assert reminded(incident) == (AWARE + timedelta(hours=24),
                                  AWARE + timedelta(hours=48, minutes=5),
                                  AWARE + timedelta(hours=66))


def test_the_dpo_and_siro_are_emailed_and_nobody_else(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    report(personas)
    tick(AWARE + timedelta(hours=24), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert sorted(message.to) == sorted([personas.dpo.email, personas.siro.email])


def test_a_late_tick_sends_only_the_latest_reminder_due(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = report(personas)
    sent = tick(AWARE + timedelta(hours=50), django_capture_on_commit_callbacks)
    assert sent == [(incident.reference, 48)]
    assert len(mail.outbox) == 1
    # The 24-hour reminder was never sent, and never will be.
    assert reminded(incident) == (None, AWARE + timedelta(hours=50), None)
    assert tick(AWARE + timedelta(hours=51), django_capture_on_commit_callbacks) == []
    assert tick(AWARE + timedelta(hours=66), django_capture_on_commit_callbacks) == [
        (incident.reference, 66)]
    assert len(mail.outbox) == 2


def test_a_report_found_long_after_awareness_gets_one_reminder_that_says_overdue(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = report(personas, received=AWARE + timedelta(hours=100))
    sent = tick(AWARE + timedelta(hours=100), django_capture_on_commit_callbacks)
    assert sent == [(incident.reference, 66)]
    [message] = mail.outbox
    assert "overdue by 28 hours 0 minutes" in message.body
    assert "deadline has passed" in message.subject
    assert tick(AWARE + timedelta(hours=200), django_capture_on_commit_callbacks) == []


def test_the_email_carries_reference_deadline_time_left_and_link_never_the_content(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = report(personas)
    tick(AWARE + timedelta(hours=48), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    text = message.subject + message.body
    assert incident.reference in message.subject
    assert "24 hours 0 minutes left to decide about the ICO" in message.subject
    # The deadline in London: 09:00 BST + 72 hours.
    assert "ICO deadline: 09:00 on Friday 5 June 2026 (UK time)" in message.body
    assert "Time left: 24 hours 0 minutes" in message.body
    assert "http://testserver" + reverse("incidents:incident-detail",
                                       args=[incident.public_id]) in message.body
    for secret in (SECRET_TITLE, SECRET_TEXT, "SIMS", "Asthma", "medical"):
        assert secret not in text


def test_the_deadline_in_the_email_is_right_across_the_autumn_change(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    # Saturday 24 October 2026, 10:00 BST; the clocks go back on Sunday 25th.
    aware = datetime(2026, 10, 24, 9, 0, tzinfo=UTC)
    report(personas, aware=aware)
    tick(aware + timedelta(hours=66), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "ICO deadline: 09:00 on Tuesday 27 October 2026 (UK time)" in message.body
    assert "Became aware: 10:00 on Saturday 24 October 2026" in message.body
    assert "Time left: 6 hours 0 minutes" in message.body


@pytest.mark.parametrize("stop", ["ico_decision", "near_miss", "security", "closed"])
def test_no_reminder_once_the_clock_stops_or_the_report_is_closed(
        personas: Personas, django_capture_on_commit_callbacks: Any, stop: str) -> None:
    incident = report(personas)
    if stop == "ico_decision":
        Decision.objects.create(
            school=personas.school, incident=incident, kind=Decision.Kind.ICO, tell=True,
            reason="Health data of children.", decided_by=personas.dpo,
            decided_by_label="DPO", decided_at=AWARE + timedelta(hours=20),
            told_at=AWARE + timedelta(hours=21))  # the report sent: the clock stops
    elif stop == "closed":
        Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED, kind=Kind.BREACH)
    else:
        kind = Kind.NEAR_MISS if stop == "near_miss" else Kind.SECURITY
        Incident.objects.filter(pk=incident.pk).update(status=Status.OPEN, kind=kind)
    for hours in (24, 48, 66):
        assert tick(AWARE + timedelta(hours=hours), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []
    assert reminded(incident) == (None, None, None)


def test_a_triaged_breach_without_a_decision_is_still_reminded(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = report(personas)
    Incident.objects.filter(pk=incident.pk).update(status=Status.OPEN, kind=Kind.BREACH)
    Decision.objects.create(
        school=personas.school, incident=incident, kind=Decision.Kind.POLICE, tell=False,
        reason="Not a crime.", decided_by=personas.dpo, decided_by_label="DPO",
        decided_at=AWARE + timedelta(hours=2))
    assert tick(AWARE + timedelta(hours=24), django_capture_on_commit_callbacks) == [
        (incident.reference, 24)]


def test_two_workers_never_send_the_same_reminder_twice(
        personas: Personas, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    incident = report(personas)
    now = AWARE + timedelta(hours=24, minutes=3)
    # Both workers read the due reminders before either claims one.
    seen_by_both = due_reminders(now)
    assert [i.pk for i in seen_by_both] == [incident.pk]
    assert tick(now, django_capture_on_commit_callbacks) == [(incident.reference, 24)]
    monkeypatch.setattr(ticks_clock, "due_reminders", lambda _now: seen_by_both)
    assert tick(now, django_capture_on_commit_callbacks) == []
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="incidents.incident.reminded").count() == 1


def test_one_query_finds_the_due_reminders_of_every_school(personas: Personas) -> None:
    for i in range(6):
        report(personas, aware=AWARE - timedelta(hours=i))
        report(personas, aware=AWARE - timedelta(hours=i), school=personas.other_school,
               actor=personas.outsider)
    report(personas, aware=AWARE + timedelta(hours=20))  # not due yet
    with CaptureQueriesContext(connection) as queries:
        due = due_reminders(AWARE + timedelta(hours=30))
        schools = {incident.school.name for incident in due}
    assert len(queries) == 1
    assert len(due) == 12
    assert schools == {personas.school.name, personas.other_school.name}


def test_a_tick_with_nothing_due_runs_one_query(personas: Personas) -> None:
    report(personas)
    with CaptureQueriesContext(connection) as queries:
        assert send_ico_reminders(AWARE + timedelta(hours=3)) == []
    assert len(queries) == 1


def test_sending_is_audited_without_the_content(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = report(personas)
    tick(AWARE + timedelta(hours=24), django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="incidents.incident.reminded")
    assert event.school_id == personas.school.pk
    assert event.target_label == incident.reference
    assert event.changes["recipients"] == 2
    assert SECRET_TITLE not in str(event.changes)


def test_the_scheduler_tick_runs_the_reminders(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    assert registered_ticks()[TICK_NAME] is send_ico_reminders
    incident = report(personas)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_ticks(AWARE + timedelta(hours=24))
    assert TICK_NAME in result["ran"]
    assert reminded(incident)[0] == AWARE + timedelta(hours=24)
    assert len(mail.outbox) == 1
