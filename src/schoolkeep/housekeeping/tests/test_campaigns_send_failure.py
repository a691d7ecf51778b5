"""An e-mail that cannot be sent is not counted as a reminder: the confirmation keeps no
"last reminded" stamp, so the next "Remind" tries again at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.housekeeping.campaigns import services
from schoolkeep.housekeeping.models import Confirmation
from schoolkeep.housekeeping.tests.records import launch, make_person

pytestmark = pytest.mark.django_db


def test_a_failed_send_is_not_counted(personas: Personas, monkeypatch: Any,
                                      django_capture_on_commit_callbacks) -> None:
    make_person(personas.school, "Bob Pending")

    def broken(self: EmailMessage, fail_silently: bool = False) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = launch(personas.school)
    bob = Confirmation.objects.get()
    assert bob.last_reminded_at is None  # the launch's e-mail did not go
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_remind(campaign=campaign, actor=personas.siro,
                                        now=timezone.now() + timedelta(minutes=1)) == 1
    bob.refresh_from_db()
    assert bob.last_reminded_at is None and bob.reminders_sent == 0
