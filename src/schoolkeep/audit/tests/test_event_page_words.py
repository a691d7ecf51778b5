"""One audit event's page in plain words: stored dates and moments in "What changed" read as
UK dates and times, and the event's place in the record without the chain's code."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.services import audit_record

Login = Callable[[User], Client]


def test_dates_and_moments_read_as_uk_time_and_the_position_in_words(
        personas: Personas, login: Login) -> None:
    changes = {
        "closed_at": {"before": None, "after": "2026-12-06T16:45:50.773105+00:00"},
        "due_on": {"before": "2026-03-01", "after": "2026-07-15"},
        "told_at": {"before": "2026-06-03T09:30:00Z", "after": "2026-06-03T10:00:00Z"},
        "name": {"before": "Oak", "after": "2026 plan"},
        "sent_at": "2026-01-10T08:05:00+00:00",
    }
    event = audit_record(action="tenancy.school.settings_changed", school=personas.school,
                         actor=personas.siro, target=personas.school, changes=changes)
    response = login(personas.siro).get(reverse("audit:event-detail", args=[event.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>(empty)</td><td>6 December 2026, 16:45:50 (UK time)</td>" in html
    assert "<td>1 March 2026</td><td>15 July 2026</td>" in html
    # 09:30 UTC in June is 10:30 in London (BST).
    assert "<td>3 June 2026, 10:30:00 (UK time)</td><td>3 June 2026, 11:00:00 (UK time)</td>" \
        in html
    assert "<td>Oak</td><td>2026 plan</td>" in html
    assert "<dd>10 January 2026, 08:05:00 (UK time)</dd>" in html
    assert "2026-12-06T16:45" not in html and "2026-03-01" not in html
    assert "Position in the school's audit record" in html
    assert f"Entry {event.sequence}</dd>" in html
    assert event.chain not in html
