"""Two workers sending reminders at the same moment, each on its own database connection as
the scheduler's workers would be (throttles/tests/racing.py: a SQLite database file, or
PostgreSQL when DATABASE_URL names one): both find the same reminder due, and exactly one
claims it and sends one e-mail."""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
from django.core import mail
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.duties import ticks
from schoolkeep.inforequests.models import Request
from schoolkeep.inforequests.tests.duties_support import LONDON, NOW
from schoolkeep.throttles.tests.racing import racing_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_at_once_send_one_reminder(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    with time_machine.travel(NOW, tick=False):  # Monday 7 December 2026, noon
        request = make_request(personas, received_at=datetime.combine(
            date(2026, 11, 16), time(9, 0), tzinfo=LONDON))
        mail.outbox.clear()  # the DPO's notice of the request logged
        found = ticks.due_reminders
        both_read = threading.Barrier(2)

        def read_then_wait(today: Any) -> list[tuple[Request, int]]:
            """Each worker has its candidates before either claims one."""
            due = found(today)
            both_read.wait(timeout=60)
            return due

        monkeypatch.setattr(ticks, "due_reminders", read_then_wait)
        with racing_database() as race:
            sent = race.run(2, lambda _: ticks.send_request_reminders(NOW))
            stamped, events = race.read(lambda: (
                Request.objects.filter(pk=request.pk).values_list(
                    "reminded_50_at", flat=True).get(),
                AuditEvent.objects.filter(action="requests.request.reminded").count()))
    assert sorted(sent, key=len) == [[], [(request.reference, 50)]]
    assert stamped is not None and events == 1
    [message] = mail.outbox
    assert message.to == [personas.dpo.email] and request.reference in message.subject
