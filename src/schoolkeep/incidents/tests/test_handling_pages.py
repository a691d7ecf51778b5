"""The handlers' list, a report's page with its clock, and the handling forms: who sees what,
the clock shown in Europe/London time, and constant query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.incidents.handling.actions import action_add
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.models import Action, Decision, Incident, Kind, Status
from schoolkeep.incidents.tests.test_handling_triage import assess, report, triage

Login = Callable[[User], Client]


def detail(incident: Incident) -> str:
    return reverse("incidents:incident-detail", args=[incident.public_id])


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------- who sees what


def test_handlers_and_the_auditor_see_the_full_page(personas: Personas, login: Login) -> None:
    incident = triage(report(personas, title="Register emailed to the wrong parent"),
                      personas.siro)
    for who in ("siro", "dpo", "auditor"):
        html = page(login(personas.users[who]), detail(incident))
        assert "Register emailed to the wrong parent" in html
        assert "A laptop with pupils&#x27; reports" in html  # the description
        assert "Risk to the people affected" in html and "Decisions" in html
        assert "History" in html and "Incident triaged" in html


def test_the_reporter_sees_only_reference_title_received_and_status(
        personas: Personas, login: Login) -> None:
    incident = triage(report(personas, actor=personas.staff), personas.siro)
    html = page(login(personas.staff), detail(incident))
    assert incident.reference in html and "Laptop left on a train" in html
    assert "Being handled" in html
    for hidden in ("A laptop with pupils", "Triage", "Decisions", "72-hour", "History",
                   "Risk to the people"):
        assert hidden not in html


def test_everyone_else_gets_404(personas: Personas, login: Login) -> None:
    incident = report(personas, actor=personas.it_lead)
    for who in ("staff", "governor", "iao", "business_manager", "trust_admin", "outsider"):
        assert login(personas.users[who]).get(detail(incident)).status_code == 404, who
    # Another school's report is a 404 even for that school's handlers... of this school.
    theirs = report(personas, school=personas.other_school, actor=personas.outsider)
    assert login(personas.siro).get(detail(theirs)).status_code == 404


def test_the_list_is_for_handlers_and_the_auditor(personas: Personas, login: Login) -> None:
    report(personas, title="Printout left in the hall")
    html = page(login(personas.auditor), reverse("incidents:incident-list"))
    assert "Printout left in the hall" in html
    for who in ("staff", "governor", "iao", "trust_admin"):
        response = login(personas.users[who]).get(reverse("incidents:incident-list"))
        assert response.status_code == 403, who
    assert "Printout" not in page(login(personas.outsider), reverse("incidents:incident-list"))


def test_the_auditor_reads_but_gets_403_on_every_form(personas: Personas, login: Login) -> None:
    incident = triage(report(personas), personas.siro)
    action = action_add(incident=incident, actor=personas.siro, kind=Action.Kind.CONTAINMENT,
                        description="Wipe it", owner=personas.siro, due_on="2026-06-01")
    client = login(personas.auditor)
    html = page(client, detail(incident))
    assert reverse("incidents:incident-triage", args=[incident.public_id]) not in html
    urls = [reverse(f"incidents:{name}", args=[incident.public_id]) for name in (
        "incident-triage", "incident-aware-at", "incident-risk", "incident-risk-override",
        "action-add", "incident-lessons", "incident-close", "incident-reopen")]
    urls += [reverse(f"incidents:{name}", args=[action.public_id])
             for name in ("action-edit", "action-done", "action-drop")]
    urls.append(reverse("incidents:decision-edit", args=[incident.public_id, "ico"]))
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


# ---------------------------------------------------------------------------- the clock


AWARE = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)  # the clocks go forward on the 29th


def test_the_page_shows_the_time_left_and_the_deadline_in_london(
        personas: Personas, login: Login) -> None:
    with time_machine.travel(AWARE, tick=False):
        incident = report(personas)
    with time_machine.travel(AWARE + timedelta(hours=30, minutes=55), tick=False):
        html = page(login(personas.dpo), detail(incident))
    assert "41 hours 5 minutes left" in html
    # 72 elapsed hours after 14:00 GMT on Friday is 14:00 UTC on Monday: 15:00 BST.
    assert "Monday 30 March 2026, 15:00" in html
    assert "ICO decision: <strong>not recorded yet</strong>" in html
    assert "Overdue" not in html


def test_an_overdue_decision_is_flagged_on_the_page_and_the_list(
        personas: Personas, login: Login) -> None:
    with time_machine.travel(AWARE, tick=False):
        incident = triage(report(personas), personas.siro)
    with time_machine.travel(AWARE + timedelta(hours=75, minutes=20), tick=False):
        client = login(personas.siro)
        html = page(client, detail(incident))
        assert "Overdue by 3 hours 20 minutes" in html
        assert "tag-overdue" in html and "notification-banner-error" in html
        listed = page(client, reverse("incidents:incident-list") + "?overdue=on")
        assert incident.reference in listed and "Overdue by 3 hours 20 minutes" in listed


def test_the_clock_stops_with_the_ico_decision_or_without_personal_data(
        personas: Personas, login: Login) -> None:
    with time_machine.travel(AWARE, tick=False):
        decided = assess(triage(report(personas), personas.siro), personas.dpo, 2, 2)
        decision_record(incident=decided, actor=personas.dpo, kind=Decision.Kind.ICO,
                        tell=True, told_at=AWARE, ico_reference="IC-1", reason="A risk")
        near = triage(report(personas), personas.siro, kind=Kind.NEAR_MISS)
    client = login(personas.dpo)
    html = page(client, detail(decided))
    assert "The 72-hour clock has stopped" in html and "IC-1" in html
    assert "hours" not in html.split('id="clock"')[1].split("</div>")[0].replace(
        "72-hour", "")
    assert "No 72-hour clock" in page(client, detail(near))
    overdue = page(client, reverse("incidents:incident-list") + "?overdue=on")
    assert decided.reference not in overdue and near.reference not in overdue


# ---------------------------------------------------------------------------- query counts


def _populate(personas: Personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        incident = report(personas, title=f"Report {n}")
        if n % 3 == 1:
            triage(incident, personas.siro, kind=Kind.NEAR_MISS)
        elif n % 3 == 2:
            incident = assess(triage(incident, personas.siro), personas.dpo, 1, 1)
            decision_record(incident=incident, actor=personas.dpo, kind=Decision.Kind.ICO,
                            tell=False, reason="Harmless")


def test_the_list_query_count_does_not_grow(personas: Personas, login: Login,
                                            django_assert_num_queries) -> None:
    client = login(personas.dpo)
    url = reverse("incidents:incident-list")
    _populate(personas, 0, 3)
    client.get(url)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Reports (40)" in html and "Report 39" in html and "Not needed" in html


def test_the_detail_query_count_does_not_grow(personas: Personas, login: Login,
                                              django_assert_num_queries) -> None:
    incident = triage(report(personas), personas.siro)
    client = login(personas.siro)
    client.get(detail(incident))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(incident))
    for n in range(10):
        action_add(incident=incident, actor=personas.siro, kind=Action.Kind.REMEDIAL,
                   description=f"Step {n}", owner=personas.siro, due_on="2026-06-01")
    for kind in (Decision.Kind.POLICE, Decision.Kind.INSURER):
        decision_record(incident=incident, actor=personas.siro, kind=kind, tell=False,
                        reason="Not needed")
    with django_assert_num_queries(len(few)):
        html = page(client, detail(incident))
    assert "Step 9" in html


# ---------------------------------------------------------------------------- the forms


def test_triage_through_the_form(personas: Personas, login: Login) -> None:
    incident = report(personas)
    url = reverse("incidents:incident-triage", args=[incident.public_id])
    client = login(personas.dpo)
    assert "Triage the report" in page(client, url)
    response = client.post(url, {"version": 1, "kind": Kind.BREACH, "is_cyber": "unknown",
                                 "children_or_vulnerable": "yes"})
    assert "Choose how personal data was affected" in response.content.decode()
    response = client.post(url, {"version": 1, "kind": Kind.BREACH,
                                 "breach_types": ["confidentiality", "availability"],
                                 "is_cyber": "no", "children_or_vulnerable": "yes",
                                 "people_affected": "12", "data_categories": ["health"]})
    assert response.status_code == 302 and response["Location"] == detail(incident)
    incident.refresh_from_db()
    assert incident.status == Status.OPEN and incident.breach_availability
    assert incident.is_cyber is False and incident.children_or_vulnerable is True
    # The form now holds version 1, which is stale: the page says who changed it.
    stale = client.post(url, {"version": 1, "kind": Kind.NEAR_MISS, "is_cyber": "no",
                              "children_or_vulnerable": "no"}).content.decode()
    assert "Reload the page" in stale and str(personas.dpo) in stale


def test_changing_awareness_in_london_time_through_the_form(personas: Personas,
                                                             login: Login) -> None:
    with time_machine.travel(datetime(2026, 7, 2, 12, tzinfo=UTC), tick=False):
        incident = report(personas)
        url = reverse("incidents:incident-aware-at", args=[incident.public_id])
        client = login(personas.siro)
        missing = client.post(url, {"version": 1, "aware_at": "2026-07-01T09:30"})
        assert "Say why the moment changes" in missing.content.decode()
        response = client.post(url, {"version": 1, "aware_at": "2026-07-01T09:30",
                                     "reason": "The office saw it on Wednesday."})
        assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.aware_at == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # 09:30 BST


def test_a_time_that_does_not_exist_in_london_is_refused(personas: Personas,
                                                         login: Login) -> None:
    incident = report(personas)
    url = reverse("incidents:incident-aware-at", args=[incident.public_id])
    # 01:30 on 29 March 2026 never happened in London: the clocks went from 01:00 to 02:00.
    html = login(personas.siro).post(url, {"version": 1, "aware_at": "2026-03-29T01:30",
                                           "reason": "Night"}).content.decode()
    assert "There is a problem" in html
    incident.refresh_from_db()
    assert incident.version == 1


def test_recording_a_decision_through_the_form(personas: Personas, login: Login) -> None:
    with time_machine.travel(AWARE, tick=False):
        incident = assess(triage(report(personas), personas.siro), personas.dpo, 3, 3)
    url = reverse("incidents:decision-edit", args=[incident.public_id, "ico"])
    client = login(personas.dpo)
    html = page(client, url)
    # A high risk: "not reporting" is not offered; sent, or decided and not yet sent, are.
    assert "must be reported" in html and 'value="no"' not in html
    assert 'value="sent"' in html and 'value="to_send"' in html
    assert 'href="https://ico.org.uk/for-organisations/report-a-breach/' in html
    html = client.post(url, {"version": 0, "tell": "no",
                             "reason": "Not worth it"}).content.decode()
    assert "Choose one of the answers shown" in html
    assert client.get(reverse("incidents:decision-edit",
                              args=[incident.public_id, "aliens"])).status_code == 404
    # 27 March is still GMT: 15:00 in London is 15:00 UTC, an hour after awareness.
    response = client.post(url, {"version": 0, "tell": "sent", "reason": "A high risk",
                                 "told_at": "2026-03-27T15:00", "ico_reference": "IC-99"})
    assert response.status_code == 302
    decision = Decision.objects.get(incident=incident, kind=Decision.Kind.ICO)
    assert decision.tell and decision.ico_reference == "IC-99"
    assert decision.told_at == AWARE + timedelta(hours=1)


def test_the_close_page_lists_what_is_missing(personas: Personas, login: Login) -> None:
    incident = triage(report(personas), personas.siro)
    url = reverse("incidents:incident-close", args=[incident.public_id])
    client = login(personas.siro)
    html = page(client, url)
    assert "Record the decision about reporting to the ICO" in html
    html = client.post(url, {"version": incident.version}).content.decode()
    assert "cannot be closed yet" in html
    near = triage(report(personas), personas.siro, kind=Kind.NEAR_MISS)
    response = client.post(reverse("incidents:incident-close", args=[near.public_id]),
                           {"version": near.version})
    assert response.status_code == 302
    near.refresh_from_db()
    assert near.status == Status.CLOSED
    reopen = reverse("incidents:incident-reopen", args=[near.public_id])
    assert "Reopen the report" in page(client, detail(near))
    assert client.post(reopen, {"version": near.version, "reason": "More found"}
                       ).status_code == 302


def test_the_override_form_is_for_the_dpo_only(personas: Personas, login: Login) -> None:
    incident = assess(triage(report(personas), personas.siro), personas.dpo, 2, 2)
    url = reverse("incidents:incident-risk-override", args=[incident.public_id])
    assert login(personas.siro).get(url).status_code == 403
    client = login(personas.dpo)
    response = client.post(url, {"version": incident.version, "result": "high",
                                 "reason": "Health data of a looked-after child"})
    assert response.status_code == 302
    assert "Overridden by the DPO" in page(client, detail(incident))


@pytest.mark.parametrize("name", ["action-add"])
def test_actions_through_the_forms(personas: Personas, login: Login, name: str) -> None:
    incident = triage(report(personas), personas.siro)
    client = login(personas.siro)
    url = reverse(f"incidents:{name}", args=[incident.public_id])
    response = client.post(url, {"kind": "containment", "description": "Recall the email",
                                 "owner": str(personas.siro.public_id),
                                 "due_on": "2026-06-01"})
    assert response.status_code == 302
    action = Action.objects.get(incident=incident)
    drop = reverse("incidents:action-drop", args=[action.public_id])
    assert "Say why the action is dropped" in client.post(
        drop, {"version": action.version}).content.decode()
    done = reverse("incidents:action-done", args=[action.public_id])
    assert client.post(done, {"version": action.version}).status_code == 302
    action.refresh_from_db()
    assert action.state == Action.State.DONE
