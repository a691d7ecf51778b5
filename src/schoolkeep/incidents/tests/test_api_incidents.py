"""/api/v1/incidents: every member reports (201 with the reference and, when personal data is
involved, the ICO deadline in UTC); DPO, SIRO and auditor read reports with their decisions;
a reporter reads their own reference and status only; everyone else gets 404; bad input is
422 naming the field; the list has a constant number of queries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.triage import incident_assess_risk, incident_triage
from schoolkeep.incidents.models import Channel, Incident, Kind
from schoolkeep.incidents.report.services import incident_report

pytestmark = pytest.mark.django_db

LIST = reverse("api:incident-list")
NOW = datetime(2026, 3, 27, 15, 30, tzinfo=UTC)  # Friday, GMT; the clocks go forward Sunday
REPORTERS = ["siro", "dpo", "iao", "business_manager", "it_lead", "dsl", "hr_admin",
             "data_admin", "staff", "governor", "auditor"]
READERS = ["siro", "dpo", "auditor"]
NOT_READERS = ["iao", "business_manager", "it_lead", "dsl", "hr_admin", "data_admin",
               "staff", "governor", "trust_admin"]
BODY = {"school": "oakfield", "title": "Class list left on the bus",
        "description": "A printed list of Year 3 with medical notes.", "personal_data": True}


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def post(self, body: Any) -> Any:
        return self.client.post(LIST, json.dumps(body), content_type="application/json",
                                **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def detail(incident: Incident) -> str:
    return reverse("api:incident-detail", args=[incident.public_id])


def reported(personas: Personas, actor: Any = None, **fields: Any) -> Incident:
    incident, _ = incident_report(
        school=personas.school, actor=actor or personas.staff, channel=Channel.APP,
        title="Register photographed", description="Someone photographed the register.",
        personal_data=fields.pop("personal_data", True), **fields)
    return incident


# --- create -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", REPORTERS)
def test_every_member_reports_through_the_api(personas: Personas, api: Any, role: str) -> None:
    response = api(personas.users[role]).post(BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "reference", "status", "ico_deadline"}
    incident = Incident.objects.get(public_id=body["id"])
    assert incident.channel == Channel.API
    assert incident.reported_by == personas.users[role]
    assert body["reference"] == incident.reference == "BR-2026-0001"
    assert body["status"] == "reported"


def test_the_deadline_is_72_hours_after_awareness_in_utc(personas: Personas, api: Any) -> None:
    # Aware at 10:00 GMT on Friday; the clocks go forward on Sunday: the deadline is
    # 10:00 UTC on Monday (11:00 BST), 72 elapsed hours later.
    body = {**BODY, "aware_at": "2026-03-27T10:00:00+00:00",
            "occurred_at": "2026-03-26T18:00:00Z", "discovered_at": "2026-03-27T09:45:00Z"}
    response = api(personas.staff).post(body)
    assert response.status_code == 201, response.content
    deadline = response.json()["ico_deadline"]
    assert deadline.endswith(("Z", "+00:00"))
    assert datetime.fromisoformat(deadline.replace("Z", "+00:00")) == datetime(
        2026, 3, 30, 10, 0, tzinfo=UTC)
    incident = Incident.objects.get(public_id=response.json()["id"])
    assert incident.aware_at == datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
    assert incident.occurred_at == datetime(2026, 3, 26, 18, 0, tzinfo=UTC)
    assert incident.discovered_at == datetime(2026, 3, 27, 9, 45, tzinfo=UTC)


def test_awareness_given_in_another_offset_is_the_same_instant(personas: Personas,
                                                               api: Any) -> None:
    response = api(personas.staff).post({**BODY, "aware_at": "2026-03-27T12:00:00+02:00"})
    assert response.json()["ico_deadline"].startswith("2026-03-30T10:00:00")


def test_awareness_defaults_to_the_moment_received(personas: Personas, api: Any) -> None:
    response = api(personas.staff).post(BODY)
    deadline = datetime.fromisoformat(response.json()["ico_deadline"].replace("Z", "+00:00"))
    assert deadline == NOW + timedelta(hours=72)


def test_no_deadline_when_no_personal_data(personas: Personas, api: Any) -> None:
    response = api(personas.staff).post({**BODY, "personal_data": False})
    assert response.status_code == 201
    assert response.json()["ico_deadline"] is None


def test_the_dpo_and_siro_are_told_after_commit_with_no_content(
        personas: Personas, api: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api(personas.governor).post(BODY)
    [message] = mail.outbox
    assert response.json()["reference"] in message.subject
    assert sorted(message.to) == sorted([personas.dpo.email, personas.siro.email])
    assert BODY["title"] not in message.body and "medical" not in message.body
    event = AuditEvent.objects.get(action="incidents.incident.reported")
    assert event.changes["channel"] == "api"
    assert BODY["description"] not in json.dumps(event.changes)


@pytest.mark.parametrize("field", ["aware_at", "occurred_at", "discovered_at"])
def test_a_time_without_its_offset_is_refused_naming_the_field(
        personas: Personas, api: Any, field: str) -> None:
    response = api(personas.staff).post({**BODY, field: "2026-03-27T10:00:00"})
    assert response.status_code == 422
    assert field in response.json()["detail"][0]["loc"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"personal_data": None}, "personal_data"),
    ({"personal_data": "maybe"}, "personal_data"),
    ({"personal_data": "yes"}, "personal_data"),
    ({"title": "x" * 201}, "title"),
    ({"aware_at": "yesterday"}, "aware_at"),
    ({"unexpected": 1}, "unexpected"),
])
def test_bad_input_is_422_naming_the_field(personas: Personas, api: Any,
                                           change: dict[str, Any], field: str) -> None:
    response = api(personas.staff).post({**BODY, **change})
    assert response.status_code == 422
    assert field in response.json()["detail"][0]["loc"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("field", ["school", "title", "description", "personal_data"])
def test_required_fields_are_named_when_missing(personas: Personas, api: Any,
                                                field: str) -> None:
    body = {k: v for k, v in BODY.items() if k != field}
    response = api(personas.staff).post(body)
    assert response.status_code == 422
    assert field in response.json()["detail"][0]["loc"]


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "   "}, "title"),
    ({"description": ""}, "description"),
    ({"aware_at": "2026-03-28T10:00:00Z"}, "aware_at"),  # in the future
    ({"occurred_at": "2026-03-27T10:00:00Z", "discovered_at": "2026-03-27T09:00:00Z"},
     "discovered_at"),
])
def test_broken_rules_are_422_naming_the_field(personas: Personas, api: Any,
                                               change: dict[str, Any], field: str) -> None:
    response = api(personas.staff).post({**BODY, **change})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", field],
                                          "msg": response.json()["detail"][0]["msg"]}]
    assert not Incident.objects.exists()


def test_another_school_is_404_and_the_trust_administrator_may_not_report(
        personas: Personas, api: Any) -> None:
    assert api(personas.outsider).post(BODY).status_code == 404
    assert api(personas.staff).post({**BODY, "school": "hillside"}).status_code == 404
    assert api(personas.trust_admin).post(BODY).status_code == 403
    assert not Incident.objects.exists()


def test_a_token_is_required(client: Any, personas: Personas) -> None:
    response = client.post(LIST, json.dumps(BODY), content_type="application/json")
    assert response.status_code == 401


# --- read ---------------------------------------------------------------------------------


def _decided(personas: Personas) -> Incident:
    incident = reported(personas, aware_at=NOW - timedelta(hours=30))
    incident = incident_triage(incident=incident, actor=personas.dpo, version=incident.version,
                               kind=Kind.BREACH, breach_confidentiality=True)
    incident = incident_assess_risk(incident=incident, actor=personas.dpo,
                                    version=incident.version, likelihood=2,
                                    likelihood_rationale="Seen by a visitor.", severity=2,
                                    severity_rationale="Names and classes.")
    decision_record(incident=incident, actor=personas.dpo, kind="ico", tell=True,
                    reason="Secret reasoning about the risk.", told_at=NOW - timedelta(hours=2),
                    ico_reference="IC-00001-A1B2")
    decision_record(incident=incident, actor=personas.siro, kind="police", tell=False,
                    reason="Secret: no crime.")
    return incident


@pytest.mark.parametrize("role", READERS)
def test_handlers_and_the_auditor_read_a_report_with_its_decisions(
        personas: Personas, api: Any, role: str) -> None:
    incident = _decided(personas)
    response = api(personas.users[role]).get(detail(incident))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "reference", "status", "ico_deadline", "decisions"}
    assert body["reference"] == incident.reference and body["status"] == "open"
    assert body["ico_deadline"].startswith("2026-03-29T09:30:00")  # 72 hours after awareness
    ico, police = sorted(body["decisions"], key=lambda d: d["kind"])
    assert ico == {"kind": "ico", "tell": True, "decided_at": ico["decided_at"],
                   "decided_by": str(personas.dpo), "told_at": ico["told_at"],
                   "ico_reference": "IC-00001-A1B2"}
    assert police["kind"] == "police" and police["tell"] is False
    assert "Secret" not in response.content.decode()
    assert "Register photographed" not in response.content.decode()


def test_the_reporter_reads_only_reference_and_status(personas: Personas, api: Any) -> None:
    incident = _decided(personas)
    response = api(personas.staff).get(detail(incident))
    assert response.status_code == 200
    assert response.json() == {"id": str(incident.public_id), "reference": incident.reference,
                               "status": "open",
                               "ico_deadline": response.json()["ico_deadline"]}
    assert "decisions" not in response.json()


@pytest.mark.parametrize("role", [r for r in NOT_READERS if r != "staff"])
def test_others_get_404_as_if_the_report_did_not_exist(personas: Personas, api: Any,
                                                       role: str) -> None:
    incident = reported(personas)
    response = api(personas.users[role]).get(detail(incident))
    missing = api(personas.users[role]).get(
        reverse("api:incident-detail", args=["00000000-0000-0000-0000-000000000000"]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_another_schools_report_is_404(personas: Personas, api: Any) -> None:
    incident, _ = incident_report(school=personas.other_school, actor=personas.outsider,
                                  channel=Channel.APP, title="Elsewhere", description="x",
                                  personal_data=True)
    assert api(personas.siro).get(detail(incident)).status_code == 404
    assert api(personas.siro).get(detail(incident), school="hillside").status_code == 404
    assert api(personas.outsider).get(detail(incident), school="hillside").status_code == 200


def test_triage_without_personal_data_hides_the_deadline(personas: Personas, api: Any) -> None:
    incident = reported(personas)
    incident_triage(incident=incident, actor=personas.dpo, version=incident.version,
                    kind=Kind.NEAR_MISS)
    assert api(personas.dpo).get(detail(incident)).json()["ico_deadline"] is None
    not_sure = reported(personas, personal_data=False)
    not_sure = incident_triage(incident=not_sure, actor=personas.dpo,
                               version=not_sure.version, kind=Kind.BREACH,
                               breach_availability=True)
    assert api(personas.dpo).get(detail(not_sure)).json()["ico_deadline"] is not None


# --- list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_handlers_list_the_schools_reports(personas: Personas, api: Any, role: str) -> None:
    reported(personas)
    reported(personas, actor=personas.governor, personal_data=False)
    response = api(personas.users[role]).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["reference"] for item in body["items"]] == ["BR-2026-0002", "BR-2026-0001"]
    assert body["items"][0]["ico_deadline"] is None
    assert set(body["items"][0]) == {"id", "reference", "status", "ico_deadline"}


@pytest.mark.parametrize("role", NOT_READERS)
def test_others_may_not_list_reports(personas: Personas, api: Any, role: str) -> None:
    reported(personas)
    assert api(personas.users[role]).get(LIST).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404


def test_the_list_is_paginated(personas: Personas, api: Any) -> None:
    for _ in range(5):
        reported(personas)
    body = api(personas.dpo).get(LIST, limit=2, offset=2).json()
    assert body["count"] == 5
    assert [item["reference"] for item in body["items"]] == ["BR-2026-0003", "BR-2026-0002"]


def test_the_list_runs_the_same_queries_for_3_and_40_reports(personas: Personas,
                                                            api: Any) -> None:
    client = api(personas.dpo)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, limit=100).status_code == 200
        return len(captured)

    for _ in range(3):
        reported(personas)
    queries()  # the first request of a token also records its first use
    few = queries()
    for _ in range(37):
        reported(personas)
    assert client.get(LIST, limit=100).json()["count"] == 40
    assert queries() == few


def test_the_openapi_document_describes_the_endpoints(personas: Personas, api: Any) -> None:
    document = api(personas.siro).client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/incidents"])
    assert "get" in paths["/api/v1/incidents/{incident_id}"]
