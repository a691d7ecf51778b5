"""The ICO decision in three stages: sent, decided to report but not yet sent, or not
reporting. Only the first and the last stop the 72-hour clock; until then its duty (a running
legal clock) and its reminders go on, and the pages say what is left to do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.duties.types import HORIZON
from schoolkeep.incidents.clock import ICO_REPORT_URL
from schoolkeep.incidents.duties_incidents import IncidentDuties
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.services import close_gaps
from schoolkeep.incidents.models import Decision, IcoStage, Incident
from schoolkeep.incidents.selectors import incident_list, incident_rows
from schoolkeep.incidents.tests.test_handling_triage import assess, report, triage
from schoolkeep.incidents.ticks_clock import clock_running, send_ico_reminders
from schoolkeep.lib.errors import DomainError

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
AWARE = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)  # Tuesday 2 June 2026, 09:00 BST


def breach(personas: Personas, likelihood: int = 2, severity: int = 2) -> Incident:
    with time_machine.travel(AWARE, tick=False):
        incident = triage(report(personas, aware_at=AWARE), personas.dpo)
        return assess(incident, personas.dpo, likelihood, severity)


def decide_to_send(incident: Incident, personas: Personas) -> Decision:
    with time_machine.travel(AWARE + timedelta(hours=10), tick=False):
        return decision_record(incident=incident, actor=personas.dpo, kind=Decision.Kind.ICO,
                               tell=True, sent=False, reason="Children's attainment data.")


def ico_duties(personas: Personas, now: datetime) -> list[Any]:
    duties = IncidentDuties().for_school(personas.school.pk, now=now, horizon=now + HORIZON)
    return [duty for duty in duties if ".ico-decision:" in duty.key]


def test_a_decision_to_report_leaves_the_clock_and_its_duty_running(
        personas: Personas) -> None:
    incident = breach(personas)
    decision = decide_to_send(incident, personas)
    assert decision.ico_stage == IcoStage.TO_SEND and decision.told_at is None
    assert clock_running().filter(pk=incident.pk).exists()
    [duty] = ico_duties(personas, AWARE + timedelta(hours=11))
    assert duty.title == f"Send the report to the ICO about {incident.reference}"
    assert duty.legal_clock
    row = incident_rows(list(incident_list(school=personas.school)),
                        now=AWARE + timedelta(hours=11))[0]
    assert row.ico == "Decided to report, not sent: 61 hours 0 minutes left"


def test_recording_the_report_sent_stops_the_clock_and_keeps_who_decided(
        personas: Personas) -> None:
    incident = breach(personas)
    decided = decide_to_send(incident, personas)
    with time_machine.travel(AWARE + timedelta(hours=30), tick=False):
        sent = decision_record(incident=incident, actor=personas.siro, kind=Decision.Kind.ICO,
                               tell=True, reason="Children's attainment data.",
                               told_at=AWARE + timedelta(hours=29), ico_reference="IC-7",
                               version=decided.version)
    assert sent.ico_stage == IcoStage.SENT
    # Sending carries out the DPO's decision: who decided and when stay as they were.
    assert sent.decided_by_label == decided.decided_by_label
    assert sent.decided_at == decided.decided_at
    assert not clock_running().filter(pk=incident.pk).exists()
    assert ico_duties(personas, AWARE + timedelta(hours=31)) == []


def test_the_first_duty_asks_for_the_decision_as_a_legal_clock(personas: Personas) -> None:
    incident = breach(personas)
    [duty] = ico_duties(personas, AWARE + timedelta(hours=1))
    assert duty.title == f"Decide whether to tell the ICO about {incident.reference}"
    assert duty.legal_clock and duty.due_at == AWARE + timedelta(hours=72)


def test_not_reporting_stops_the_clock_only_when_the_risk_allows_it(
        personas: Personas) -> None:
    risky = breach(personas, 2, 2)
    with pytest.raises(DomainError) as refused:
        decision_record(incident=risky, actor=personas.dpo, kind=Decision.Kind.ICO,
                        tell=False, reason="Not worth it")
    assert refused.value.field == "tell"
    unlikely = breach(personas, 1, 1)
    with time_machine.travel(AWARE + timedelta(hours=2), tick=False):
        decision_record(incident=unlikely, actor=personas.dpo, kind=Decision.Kind.ICO,
                        tell=False, reason="Names only, deleted unread.")
    assert not clock_running().filter(pk=unlikely.pk).exists()


def test_reminders_go_on_until_the_report_is_sent(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    incident = breach(personas)
    decide_to_send(incident, personas)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_ico_reminders(AWARE + timedelta(hours=24))
    assert sent == [(incident.reference, 24)]
    [message] = mail.outbox
    assert "decided to report it to the ICO, but nobody has yet recorded that the report " \
           "was sent" in " ".join(message.body.split())
    assert ICO_REPORT_URL in message.body
    assert "to send the report to the ICO" in message.subject


def _form(client: Client, incident: Incident) -> str:
    url = reverse("incidents:decision-edit", args=[incident.public_id, "ico"])
    return client.get(url).content.decode()


def test_the_form_offers_only_the_answers_the_risk_allows(
        personas: Personas, login: Login) -> None:
    client = login(personas.dpo)
    html = _form(client, breach(personas, 1, 1))  # unlikely to be a risk: all three
    assert all(f'value="{stage}"' in html for stage in IcoStage.values)
    html = _form(client, breach(personas, 3, 3))  # high: it must be reported
    assert 'value="no"' not in html and "so the breach must be reported" in html
    with time_machine.travel(AWARE, tick=False):
        unassessed = triage(report(personas, aware_at=AWARE), personas.dpo)
    html = _form(client, unassessed)
    assert 'value="no"' not in html and "assess the risk</a> first" in html
    assert f'href="{ICO_REPORT_URL}"' in html


def test_the_form_records_a_decision_to_report_and_then_the_report_sent(
        personas: Personas, login: Login) -> None:
    incident = breach(personas)
    client = login(personas.dpo)
    url = reverse("incidents:decision-edit", args=[incident.public_id, "ico"])
    sent_at = {"told_at_0": "3", "told_at_1": "6", "told_at_2": "2026",
               "told_at_3": "10", "told_at_4": "30"}  # 10:30 BST = 09:30 UTC
    with time_machine.travel(AWARE + timedelta(hours=30), tick=False):
        html = client.post(url, {"version": 0, "tell": "to_send", "reason": "A risk",
                                 **sent_at}).content.decode()
        assert "You said the report is not sent yet" in html
        assert client.post(url, {"version": 0, "tell": "to_send",
                                 "reason": "A risk"}).status_code == 302
        page = client.get(reverse("incidents:incident-detail",
                                  args=[incident.public_id])).content.decode()
    assert "decided to report, not sent yet" in page and "72-hour clock is running" in page
    assert "record when the report was sent" in page
    with time_machine.travel(AWARE + timedelta(days=2), tick=False):
        assert client.post(url, {"version": 1, "tell": "sent", "reason": "A risk",
                                 **sent_at}).status_code == 302
    decision = Decision.objects.get(incident=incident, kind=Decision.Kind.ICO)
    assert decision.told_at == datetime(2026, 6, 3, 9, 30, tzinfo=UTC)
    assert decision.ico_stage == IcoStage.SENT


def test_a_report_decided_but_not_sent_cannot_be_closed(personas: Personas) -> None:
    incident = breach(personas)
    decide_to_send(incident, personas)
    assert ("The report to the ICO has not been sent yet: send it, then record when."
            in close_gaps(incident))
