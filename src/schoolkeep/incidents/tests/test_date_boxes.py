"""The handling forms' dates and times are GOV.UK boxes read in British order (day, month,
year, then hour and minute in UK time), whatever the browser: when the school became aware,
an action's due date, and the breach log's date range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import time_machine
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.incidents.models import Action
from schoolkeep.incidents.tests.test_handling_triage import report, triage

Login = Callable[[User], Client]
NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


def boxes(name: str, *parts: int) -> dict[str, str]:
    return {f"{name}_{index}": str(part) for index, part in enumerate(parts)}


def test_awareness_is_typed_in_boxes_and_read_as_uk_time(personas: Personas,
                                                         login: Login) -> None:
    with time_machine.travel(NOW, tick=False):
        incident = report(personas)
        url = reverse("incidents:incident-aware-at", args=[incident.public_id])
        client = login(personas.siro)
        page = client.get(url).content.decode()
        assert 'name="aware_at_0"' in page and 'type="datetime-local"' not in page
        # 3/10/2026 09:30 is the 3rd of October (British order), in summer time.
        response = client.post(url, {"version": 1, "reason": "Seen on the Saturday.",
                                     **boxes("aware_at", 3, 10, 2026, 9, 30)})
        assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.aware_at == datetime(2026, 10, 3, 8, 30, tzinfo=UTC)


def test_a_skipped_time_is_refused_on_its_field(personas: Personas, login: Login) -> None:
    with time_machine.travel(NOW, tick=False):
        incident = report(personas)
        url = reverse("incidents:incident-aware-at", args=[incident.public_id])
        html = login(personas.siro).post(url, {
            "version": 1, "reason": "Night", **boxes("aware_at", 29, 3, 2026, 1, 30)},
        ).content.decode()
    assert "There was no 01:30 on Sunday 29 March 2026 in UK time" in html
    assert 'href="#id_aware_at_' in html  # the error summary links to the boxes


def test_an_action_is_due_on_a_date_typed_in_boxes(personas: Personas, login: Login) -> None:
    with time_machine.travel(NOW, tick=False):
        incident = triage(report(personas), personas.siro)
        client = login(personas.siro)
        url = reverse("incidents:action-add", args=[incident.public_id])
        assert 'name="due_on_2"' in client.get(url).content.decode()
        response = client.post(url, {"kind": "containment", "description": "Recall the e-mail",
                                     "owner": str(personas.siro.public_id),
                                     **boxes("due_on", 4, 11, 2026)})
        assert response.status_code == 302
    assert Action.objects.get(incident=incident).due_on == date(2026, 11, 4)


def test_the_breach_log_range_is_typed_in_boxes(personas: Personas, login: Login) -> None:
    client = login(personas.dpo)
    url = reverse("incidents:exports")
    page = client.get(url).content.decode()
    assert 'name="date_from_0"' in page and 'type="date"' not in page
    html = client.post(url, {"format": "xlsx", **boxes("date_from", 1, 9, 2026),
                             **boxes("date_to", 31, 8, 2026)}).content.decode()
    assert "The end date must be the same as or after the start date." in html
