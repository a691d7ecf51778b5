"""Closed incidents and answered requests past their period keep their log row without names
or narrative; a person's user loses its links to them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from schoolkeep.accounts.erasure import own_period
from schoolkeep.incidents.erasure import ERASED_TITLE
from schoolkeep.incidents.models import Action, Decision, Incident
from schoolkeep.inforequests.models import Hold, Request
from schoolkeep.privacy.erasure.models import Tombstone
from schoolkeep.privacy.erasure.registry import provider
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.tests.providers_support import NOW, erase, make_person

pytestmark = pytest.mark.django_db


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _incident(school: Any, number: int, *, closed_on: date | None = None,
              **fields: Any) -> Incident:
    received = _noon((closed_on or NOW.date()) - timedelta(days=30))
    incident = Incident.objects.create(
        school=school, reference=f"BR-2018-{number:04d}", reference_year=2018,
        reference_number=number, channel="app", title="Email to the wrong parent",
        description="Mrs Quince's letter went to another family.", received_at=received,
        aware_at=received, reporter_name="Bartholomew Quince",
        reporter_contact="b.quince@oakfield.example",
        status="closed" if closed_on else "open",
        closed_at=_noon(closed_on) if closed_on else None, **fields)
    Decision.objects.create(school=school, incident=incident, kind="ico", tell=False,
                            reason="Low risk to Mrs Quince.", decided_by_label="DPO Person",
                            decided_at=received)
    Action.objects.create(school=school, incident=incident, kind="remedial",
                          description="Call Mrs Quince.")
    return incident


def test_a_closed_incident_past_its_period_keeps_its_log_row_without_names(personas) -> None:
    school = personas.school
    _, latest = own_period(school, keys.OWN_INCIDENTS, NOW.date())
    old = _incident(school, 1, closed_on=latest - timedelta(days=1), people_affected=1,
                    closed_by_label="DPO Person")
    recent = _incident(school, 2, closed_on=latest + timedelta(days=1))
    still_open = _incident(school, 3)
    incidents = provider("incidents")

    due = incidents.due(school, today=NOW.date(), limit=10)
    assert [item.pk for item in due] == [old.pk]
    assert "Quince" not in due[0].description and due[0].record_type_key == keys.OWN_INCIDENTS

    assert incidents.erase(school, due, now=NOW) == 1

    old.refresh_from_db()
    assert old.reference == "BR-2018-0001" and old.people_affected == 1  # the log row stays
    assert old.status == "closed" and old.closed_at is not None
    assert old.title == ERASED_TITLE
    assert old.description == "" and old.reporter_name == "" and old.reporter_contact == ""
    assert old.closed_by_label == ""
    decision = Decision.objects.get(incident=old)
    assert decision.reason == "" and decision.tell is False and decision.kind == "ico"
    assert Action.objects.get(incident=old).description == ""
    # The runner writes the tombstones and the ledger, never the provider; an incident
    # erased already (re-applied after a restore) is skipped.
    assert not Tombstone.objects.exists()
    assert incidents.erase(school, due, now=NOW) == 0
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.reporter_name == "Bartholomew Quince"
    assert incidents.due(school, today=NOW.date(), limit=10) == []  # not erased twice


def test_erasing_a_reporter_unlinks_their_incidents(personas) -> None:
    person = make_person(personas.school)
    incident = _incident(personas.school, 4, reported_by=person.user,
                         triaged_by_label="Bartholomew Quince")
    other = _incident(personas.school, 5, reported_by=personas.dpo)

    erase("incidents", personas.school, person)

    incident.refresh_from_db()
    assert incident.reported_by_id is None and incident.reporter_name == ""
    assert incident.triaged_by_label == ""
    assert incident.description  # the incident itself is the school's
    other.refresh_from_db()
    assert other.reported_by_id == personas.dpo.pk and other.reporter_name


def _request(school: Any, number: int, *, answered_on: date | None = None,
             **fields: Any) -> Request:
    received = (answered_on or NOW.date()) - timedelta(days=20)
    return Request.objects.create(
        school=school, reference=f"RQ-2018-{number:04d}", reference_year=2018,
        reference_number=number, kind="subject_access", channel="email",
        requester_type="subject", requester_name="Rita Requester",
        requester_contact="rita@home.example", subject_name="Rita Requester",
        description="Every e-mail about my son.", received_on=received,
        received_at=_noon(received), clock_starts_on=received,
        due_on=received + timedelta(days=30),
        status="answered" if answered_on else "open", responded_on=answered_on,
        outcome="full" if answered_on else "", **fields)


def test_an_answered_request_past_its_period_keeps_its_log_row_without_names(
        personas) -> None:
    school = personas.school
    _, latest = own_period(school, keys.OWN_REQUESTS, NOW.date())
    old = _request(school, 1, answered_on=latest - timedelta(days=1))
    Hold.objects.create(request=old, reason="identity", asked_on=old.received_on,
                        note="Rita's passport")
    recent = _request(school, 2, answered_on=latest + timedelta(days=1))
    still_open = _request(school, 3)
    requests = provider("inforequests")

    due = requests.due(school, today=NOW.date(), limit=10)
    assert [item.pk for item in due] == [old.pk]
    assert "Rita" not in due[0].description

    requests.erase(school, due, now=NOW)

    old.refresh_from_db()
    assert old.reference == "RQ-2018-0001" and old.outcome == "full"
    assert old.responded_on == latest - timedelta(days=1)
    assert old.requester_name == "" and old.subject_name == "" and old.description == ""
    assert old.requester_contact == ""
    assert Hold.objects.get(request=old).note == ""
    assert not Tombstone.objects.exists()  # the runner's, never the provider's
    assert requests.erase(school, due, now=NOW) == 0  # erased already: skipped
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.requester_name == "Rita Requester"
    assert requests.due(school, today=NOW.date(), limit=10) == []


def test_erasing_a_member_unlinks_the_requests_they_logged(personas) -> None:
    person = make_person(personas.school)
    request = _request(personas.school, 6, logged_by=person.user)
    request.hidden_from.add(person.user)

    erase("inforequests", personas.school, person)

    request.refresh_from_db()
    assert request.logged_by_id is None and not request.hidden_from.exists()
    assert request.requester_name == "Rita Requester"
