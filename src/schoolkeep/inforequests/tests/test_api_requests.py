"""/api/v1/requests: every member logs a request (201 with its id, reference and deadline);
the DPO, SIRO and auditor list and read them, names and narrative only for the DPO and SIRO;
a hidden request is a 404 to whom it is hidden from; PATCH with the version (409 when stale);
pauses and extensions move the deadline; bad input is 422 naming the field where the body
gives it (a date out of range, a number for a date, true for a number, a channel only the
request page sets, a null part, a huge offset included: never a 500); the list reads the
same number of queries at 3 and 40 rows."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.handling.services import request_hide
from schoolkeep.inforequests.models import Channel, Hold, Kind, Request
from schoolkeep.inforequests.progress.services import extension_add, hold_answer, hold_ask

pytestmark = pytest.mark.django_db

LIST = reverse("api:request-list")
# Monday 7 December 2026, 10:00 GMT.
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
# Friday 20 November 2026: a subject access request's month ends on Sunday 20 December,
# so it is due on Monday 21 December.
RECEIVED = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
BODY: dict[str, Any] = {
    "school": "oakfield", "kind": "subject_access", "received_on": "2026-11-20",
    "requester": {"type": "parent", "name": "Robin Applebee", "contact": "robin@example.com"},
    "subject": {"type": "pupils", "name": "Jess Applebee"},
    "description": "Every record of Jess's behaviour in Year 4.",
}
LOGGERS = ["siro", "dpo", "iao", "business_manager", "it_lead", "dsl", "hr_admin",
           "data_admin", "staff", "governor", "auditor"]
NOT_READERS = ["iao", "business_manager", "it_lead", "dsl", "hr_admin", "data_admin",
               "staff", "governor"]


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def post(self, body: Any, url: str = LIST) -> Any:
        return self.client.post(url, json.dumps(body), content_type="application/json",
                                **self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(url, json.dumps(body), content_type="application/json",
                                 **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def detail(request: Request, action: str = "", school: str = "oakfield") -> str:
    name = {"": "api:request-detail", "pauses": "api:request-pause-create",
            "extensions": "api:request-extension-create"}[action]
    return f"{reverse(name, args=[request.public_id])}?school={school}"


def logged(personas: Personas, **fields: Any) -> Request:
    return make_request(personas, received_at=fields.pop("received_at", RECEIVED), **fields)


def _loc(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    return response.json()["detail"][0]["loc"]


# --- create -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", LOGGERS)
def test_every_member_logs_a_request_and_gets_its_reference_and_deadline(
        personas: Personas, api: Any, persona: str) -> None:
    response = api(personas.users[persona]).post(BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    request = Request.objects.get(public_id=body["id"])
    assert body["reference"] == "RQ-2026-0001" == request.reference
    assert body["due_on"] == "2026-12-21"
    assert body["received_on"] == "2026-11-20" and body["status"] == "open"
    assert request.channel == Channel.API and request.logged_by == personas.users[persona]
    assert request.requester_name == "Robin Applebee" and request.subject_name == "Jess Applebee"
    # Only the reference and the clock: nothing in the answer names anyone.
    assert "Applebee" not in response.content.decode()


def test_the_request_is_audited_and_the_dpo_told_without_names(
        personas: Personas, api: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api(personas.staff).post(BODY)
    event = AuditEvent.objects.get(action="requests.request.logged")
    assert event.target_label == response.json()["reference"]
    assert "Applebee" not in json.dumps(event.changes)
    assert event.changes["channel"] == "api"
    [message] = mail.outbox
    assert response.json()["reference"] in message.subject
    assert "Applebee" not in message.body and "Year 4" not in message.body


def test_received_at_with_its_offset_gives_the_uk_day(personas: Personas, api: Any) -> None:
    # 23:30 on Saturday 31 October 2026 in New York is 03:30 on Sunday 1 November in London.
    body = {**BODY, "received_on": None, "received_at": "2026-10-31T23:30:00-04:00"}
    response = api(personas.dpo).post(body)
    assert response.status_code == 201, response.content
    request = Request.objects.get(public_id=response.json()["id"])
    assert request.received_on == date(2026, 11, 1)
    assert request.received_at == datetime(2026, 11, 1, 3, 30, tzinfo=UTC)


def test_received_on_is_the_start_of_that_uk_day_or_now_when_today(
        personas: Personas, api: Any) -> None:
    past = api(personas.dpo).post(BODY).json()
    assert Request.objects.get(public_id=past["id"]).received_at == RECEIVED.replace(hour=0)
    today = api(personas.dpo).post({**BODY, "received_on": "2026-12-07"}).json()
    assert Request.objects.get(public_id=today["id"]).received_at == NOW
    neither = {k: v for k, v in BODY.items() if k != "received_on"}
    assert Request.objects.get(public_id=api(personas.dpo).post(neither).json()["id"]
                               ).received_at == NOW


def test_an_foi_request_needs_no_subject(personas: Personas, api: Any) -> None:
    body = {**BODY, "kind": "foi",
            "requester": {"type": "public", "name": "A Journalist",
                          "contact": "newsdesk@example.com"},
            "description": "The school's spending on agency staff in 2025."}
    del body["subject"]
    response = api(personas.staff).post(body)
    assert response.status_code == 201, response.content
    assert Request.objects.get(public_id=response.json()["id"]).kind == Kind.FOI


@pytest.mark.parametrize(("change", "loc"), [
    ({"kind": "gossip"}, ["kind"]),
    ({"received_at": "2026-11-20T10:00:00"}, ["received_at"]),  # no offset
    ({"received_on": "2026-12-08"}, ["received_on"]),  # tomorrow
    ({"received_on": "2026-11-20", "received_at": "2026-11-21T10:00:00Z"}, ["received_on"]),
    ({"received_at": "2026-12-07T11:00:00Z", "received_on": None}, ["received_at"]),  # future
    ({"requester": {"type": "parent", "name": "   "}}, ["requester", "name"]),
    ({"requester": {"type": "aunt", "name": "Robin"}}, ["requester", "type"]),
    ({"subject": None}, ["subject", "type"]),
    ({"subject": {"type": "pupils", "name": ""}}, ["subject", "name"]),
    ({"description": ""}, ["description"]),
    ({"unexpected": 1}, ["unexpected"]),
    # Before 25 May 2018, down to year 1 (which no offset can move): refused, never a 500.
    ({"received_on": "1900-01-01"}, ["received_on"]),
    ({"received_on": "0001-01-01"}, ["received_on"]),
    ({"received_on": "2018-05-24"}, ["received_on"]),
    ({"received_on": None, "received_at": "0001-01-01T00:00:00+14:00"}, ["received_at"]),
    ({"received_on": None, "received_at": "2018-05-24T22:59:59Z"}, ["received_at"]),
    ({"received_on": None, "received_at": "9999-12-31T23:00:00-05:00"}, ["received_at"]),
    ({"received_on": "9999-12-31"}, ["received_on"]),
    # Only ISO 8601 texts: a number is not a Unix time, nor a day.
    ({"received_on": None, "received_at": 1_795_000_000}, ["received_at"]),
    ({"received_on": None, "received_at": "1795000000"}, ["received_at"]),
    ({"received_on": 0}, ["received_on"]),
    ({"received_on": "2026-11-20T00:00:00"}, ["received_on"]),
    # The request page's channel is the page's own.
    ({"channel": "public_page"}, ["channel"]),
])
def test_bad_input_is_422_naming_the_field_and_nothing_is_logged(
        personas: Personas, api: Any, change: dict[str, Any], loc: list[str]) -> None:
    found = _loc(api(personas.staff).post({**BODY, **change}))
    assert found[0] == "body"
    assert [part for part in found if part not in ("body", "payload")] == loc
    assert not Request.objects.exists()


def test_a_day_before_25_may_2018_is_refused_saying_why(personas: Personas,
                                                         api: Any) -> None:
    response = api(personas.staff).post({**BODY, "received_on": "1900-01-01"})
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "received_on"
    assert error["msg"] == ("The day the request was received must be on or after 25 May "
                            "2018, when UK data protection law in its present form began. "
                            "Check the year.")
    # 25 May 2018 itself is taken.
    first = api(personas.staff).post({**BODY, "received_on": "2018-05-25"})
    assert first.status_code == 201, first.content
    assert first.json()["reference"] == "RQ-2018-0001"


def test_another_school_is_404_and_the_trust_administrator_may_not_log(
        personas: Personas, api: Any) -> None:
    assert api(personas.outsider).post(BODY).status_code == 404
    assert api(personas.staff).post({**BODY, "school": "hillside"}).status_code == 404
    assert api(personas.trust_admin).post(BODY).status_code == 403
    assert not Request.objects.exists()


# --- list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["siro", "dpo", "auditor"])
def test_readers_list_the_requests_without_names(personas: Personas, api: Any,
                                                 persona: str) -> None:
    first = logged(personas)
    second = logged(personas, kind=Kind.FOI, subject_type="", subject_name="",
                    received_at=RECEIVED + timedelta(days=3))
    response = api(personas.users[persona]).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["reference"] for item in body["items"]] == [second.reference,
                                                            first.reference]
    assert body["items"][1] == {
        "id": str(first.public_id), "reference": first.reference, "kind": "subject_access",
        "status": "open", "received_on": "2026-11-20", "due_on": "2026-12-21",
        "due_estimated": False, "waiting_since": None, "responded_on": None,
        "version": first.version}
    assert "Pat Parent" not in response.content.decode()


@pytest.mark.parametrize(("query", "field"), [
    ({"offset": 10**12}, "offset"), ({"offset": 10**30}, "offset"),
    ({"offset": 1_000_001}, "offset"), ({"limit": 101}, "limit"), ({"limit": 0}, "limit")])
def test_a_page_out_of_bounds_is_422_naming_it(personas: Personas, api: Any,
                                               query: dict[str, int], field: str) -> None:
    logged(personas)
    response = api(personas.dpo).get(LIST, **query)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field
    last = api(personas.dpo).get(LIST, offset=1_000_000)
    assert last.status_code == 200 and last.json() == {"items": [], "count": 1}


@pytest.mark.parametrize("persona", [*NOT_READERS, "trust_admin"])
def test_other_roles_may_not_list(personas: Personas, api: Any, persona: str) -> None:
    assert api(personas.users[persona]).get(LIST).status_code == 403


def test_a_hidden_request_is_left_out_of_the_list_of_whom_it_is_hidden_from(
        personas: Personas, api: Any) -> None:
    about_siro = logged(personas)
    request_hide(school=personas.school, actor=personas.dpo, request=about_siro,
                 hidden_from=[personas.siro])
    assert api(personas.siro).get(LIST).json()["count"] == 0
    assert api(personas.dpo).get(LIST).json()["count"] == 1
    assert api(personas.outsider).get(LIST).status_code == 404


def test_the_list_reads_the_same_queries_at_3_and_at_40_rows(personas: Personas,
                                                             api: Any) -> None:
    reader = api(personas.dpo)
    reader.get(LIST)  # the token's first use is audited

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(LIST)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    for n in range(3):
        logged(personas, received_at=RECEIVED + timedelta(hours=n))
    few = count()
    for n in range(37):
        logged(personas, received_at=RECEIVED + timedelta(days=1, hours=n))
    many = count()
    # The token, the caller's schools, the page and its count.
    assert (few, many) == ((4, 3), (4, 40))


# --- one request --------------------------------------------------------------------------


def _with_pause_and_extension(personas: Personas) -> Request:
    request = logged(personas)
    hold = hold_ask(school=personas.school, actor=personas.dpo, request=request,
                    reason=Hold.Reason.CLARIFICATION, asked_on=date(2026, 11, 23),
                    note="Which school years does Pat mean?")
    hold_answer(school=personas.school, actor=personas.dpo, request=request, hold=hold,
                answered_on=date(2026, 11, 25))
    extension_add(school=personas.school, actor=personas.dpo, request=request, amount=1,
                  reason="Eleven years of records across three systems.",
                  decided_on=date(2026, 11, 30), told_on=date(2026, 11, 30))
    return Request.objects.get(pk=request.pk)


@pytest.mark.parametrize("persona", ["siro", "dpo"])
def test_handlers_read_the_request_with_its_pauses_extensions_and_narrative(
        personas: Personas, api: Any, persona: str) -> None:
    request = _with_pause_and_extension(personas)
    response = api(personas.users[persona]).get(detail(request), school="oakfield")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == request.reference and body["version"] == request.version
    assert body["due_on"] == request.due_on.isoformat()
    assert body["days_left"] == (request.due_on - date(2026, 12, 7)).days
    assert body["pauses"] == [{"reason": "clarification", "asked_on": "2026-11-23",
                               "answered_on": "2026-11-25",
                               "note": "Which school years does Pat mean?"}]
    assert body["extensions"] == [{"amount": 1, "unit": "months", "decided_on": "2026-11-30",
                                   "told_on": "2026-11-30",
                                   "reason": "Eleven years of records across three systems."}]
    assert body["narrative"]["requester_name"] == "Pat Parent"
    assert body["narrative"]["subject_name"] == "Sam Pupil"
    assert body["rule"] and body["moves"]


def test_the_auditor_reads_the_record_without_names_or_narrative(personas: Personas,
                                                                 api: Any) -> None:
    request = _with_pause_and_extension(personas)
    response = api(personas.auditor).get(detail(request))
    assert response.status_code == 200
    body = response.json()
    assert body["narrative"] is None
    assert body["pauses"][0]["note"] is None and body["pauses"][0]["reason"] == "clarification"
    assert body["extensions"][0]["reason"] is None and body["extensions"][0]["amount"] == 1
    text = response.content.decode()
    assert "Pat Parent" not in text and "Sam Pupil" not in text and "Eleven" not in text


@pytest.mark.parametrize("persona", NOT_READERS)
def test_others_get_404_even_who_logged_it(personas: Personas, api: Any,
                                           persona: str) -> None:
    request = logged(personas, user=personas.users[persona])
    assert api(personas.users[persona]).get(detail(request)).status_code == 404
    assert api(personas.trust_admin).get(detail(request)).status_code == 404


def test_hidden_unknown_and_other_schools_requests_are_404(personas: Personas,
                                                           api: Any) -> None:
    request = logged(personas)
    request_hide(school=personas.school, actor=personas.dpo, request=request,
                 hidden_from=[personas.siro])
    assert api(personas.siro).get(detail(request)).status_code == 404
    assert api(personas.dpo).get(detail(request)).status_code == 200
    theirs = logged(personas, school=personas.other_school, user=personas.outsider)
    assert api(personas.dpo).get(detail(theirs)).status_code == 404
    assert api(personas.outsider).get(detail(request, school="hillside")).status_code == 404
    assert api(personas.outsider).get(detail(request)).status_code == 404
    missing = reverse("api:request-detail", args=[uuid.uuid4()])
    assert api(personas.dpo).get(missing).status_code == 404


# --- PATCH --------------------------------------------------------------------------------


def test_a_handler_corrects_the_record_with_the_version_read(personas: Personas,
                                                             api: Any) -> None:
    request = logged(personas)
    response = api(personas.dpo).patch(detail(request), {
        "version": request.version, "description": "Behaviour records, Years 4 and 5.",
        "requester": {"contact": "pat@example.org"}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == request.version + 1
    assert body["narrative"]["description"] == "Behaviour records, Years 4 and 5."
    request.refresh_from_db()
    assert request.requester_contact == "pat@example.org"
    assert request.requester_name == "Pat Parent"  # not sent: unchanged
    event = AuditEvent.objects.get(action="requests.request.changed")
    assert event.changes["description"] == {"before": "changed", "after": "changed"}
    assert "Years 4 and 5" not in json.dumps(event.changes)
    assert "pat@" not in json.dumps(event.changes)


def test_a_change_of_receipt_moves_the_deadline(personas: Personas, api: Any) -> None:
    request = logged(personas)
    response = api(personas.dpo).patch(detail(request), {
        "version": request.version, "received_at": "2026-11-16T09:00:00Z"})
    assert response.status_code == 200, response.content
    assert response.json()["due_on"] == "2026-12-16"


def test_a_stale_version_is_409_and_changes_nothing(personas: Personas, api: Any) -> None:
    request = logged(personas)
    response = api(personas.dpo).patch(detail(request), {
        "version": request.version - 1 if request.version > 1 else request.version + 5,
        "description": "Something else."})
    assert response.status_code == 409
    request.refresh_from_db()
    assert request.description == "Every record about Sam's behaviour in Year 5."


@pytest.mark.parametrize(("change", "loc"), [
    ({"requester": {"name": ""}}, ["requester", "name"]),
    ({"kind": "foi", "subject": {"type": "nobody"}}, ["subject", "type"]),
    ({"received_at": "2027-01-01T09:00:00Z"}, ["received_at"]),
    ({"results_announced_on": "yesterday"}, ["results_announced_on"]),
    ({"whatever": 1}, ["whatever"]),
    # Out of range: refused before any date arithmetic, never a 500.
    ({"received_at": "1900-01-01T00:00:00Z"}, ["received_at"]),
    ({"received_at": "0001-01-01T00:00:00+14:00"}, ["received_at"]),
    ({"received_at": "9999-12-31T23:00:00-05:00"}, ["received_at"]),
    ({"results_announced_on": "9999-12-31"}, ["results_announced_on"]),
    ({"results_announced_on": "0001-01-01"}, ["results_announced_on"]),
    # ISO 8601 texts only; true is not a number.
    ({"received_at": 1_795_000_000}, ["received_at"]),
    ({"results_announced_on": 0}, ["results_announced_on"]),
    ({"version": True}, ["version"]),
    ({"version": "1"}, ["version"]),
    # Only the request page sets its channel, and only a request logged here is "api".
    ({"channel": "public_page"}, ["channel"]),
    ({"channel": "api"}, ["channel"]),
    # A null part would change nothing: refused rather than ignored.
    ({"requester": None}, ["requester"]),
    ({"subject": None}, ["subject"]),
    # The reference RQ-2026-... counts in 2026 (the UK calendar year of receipt).
    ({"received_at": "2025-12-31T23:30:00Z"}, ["received_at"]),
])
def test_bad_changes_are_422_naming_the_field(personas: Personas, api: Any,
                                              change: dict[str, Any], loc: list[str]) -> None:
    request = logged(personas)
    found = _loc(api(personas.dpo).patch(detail(request), {"version": request.version,
                                                           **change}))
    assert [part for part in found if part not in ("body", "payload")] == loc
    assert Request.objects.get(pk=request.pk).version == request.version


@pytest.mark.parametrize("persona", ["auditor", "staff", "it_lead", "trust_admin"])
def test_who_may_not_handle_gets_403_on_every_write(personas: Personas, api: Any,
                                                    persona: str) -> None:
    request = logged(personas)
    client = api(personas.users[persona])
    assert client.patch(detail(request), {"version": 1, "description": "x"}).status_code == 403
    assert client.post({"reason": "identity", "asked_on": "2026-11-21", "note": "ID"},
                       url=detail(request, "pauses")).status_code == 403
    assert client.post({"amount": 1, "reason": "Many records", "decided_on": "2026-11-30"},
                       url=detail(request, "extensions")).status_code == 403
    assert not Hold.objects.exists()


def test_a_move_to_another_year_of_receipt_is_refused_naming_the_reference(
        personas: Personas, api: Any) -> None:
    request = logged(personas)
    assert request.reference.startswith("RQ-2026-")
    response = api(personas.dpo).patch(detail(request), {
        "version": request.version, "received_at": "2025-12-31T12:00:00Z"})
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "received_at"
    assert error["msg"].startswith(f"The reference {request.reference} counts in 2026")
    assert "log it again instead" in error["msg"]
    # 23:30 on 31 December 2025 at UTC-1 is 00:30 on 1 January 2026 in the UK: same year.
    moved = api(personas.dpo).patch(detail(request), {
        "version": request.version, "received_at": "2025-12-31T23:30:00-01:00"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["received_on"] == "2026-01-01"
    assert moved.json()["reference"] == request.reference


def test_the_results_day_is_on_or_after_receipt_and_within_two_years(
        personas: Personas, api: Any) -> None:
    request = logged(personas, kind=Kind.EXAM_MARKS)
    client = api(personas.dpo)
    for day in ("2026-11-19", "2028-11-21", "9999-12-31"):
        found = _loc(client.patch(detail(request), {"version": request.version,
                                                    "results_announced_on": day}))
        assert found[-1] == "results_announced_on"
    assert Request.objects.get(pk=request.pk).results_announced_on is None
    latest = client.patch(detail(request), {"version": request.version,
                                            "results_announced_on": "2028-11-20"})
    assert latest.status_code == 200, latest.content
    assert Request.objects.get(pk=request.pk).results_announced_on == date(2028, 11, 20)


def test_the_channel_may_be_corrected_but_not_to_or_from_the_request_page(
        personas: Personas, api: Any) -> None:
    client = api(personas.dpo)
    # Logged through the API: "api" may be sent again unchanged, and corrected to a letter.
    through_api = Request.objects.get(public_id=client.post(BODY).json()["id"])
    assert through_api.channel == Channel.API
    same = client.patch(detail(through_api), {"version": through_api.version,
                                              "channel": "api"})
    assert same.status_code == 200, same.content
    letter = client.patch(detail(through_api), {"version": through_api.version,
                                                "channel": "letter"})
    assert letter.status_code == 200, letter.content
    assert Request.objects.get(pk=through_api.pk).channel == Channel.LETTER
    # Made on the request page: how it arrived stays.
    on_page = logged(personas, channel=Channel.PUBLIC_PAGE)
    found = _loc(client.patch(detail(on_page), {"version": on_page.version,
                                                "channel": "email"}))
    assert found[-1] == "channel"
    assert Request.objects.get(pk=on_page.pk).channel == Channel.PUBLIC_PAGE


def test_writes_on_a_hidden_request_are_404(personas: Personas, api: Any) -> None:
    request = logged(personas)
    request_hide(school=personas.school, actor=personas.dpo, request=request,
                 hidden_from=[personas.siro])
    client = api(personas.siro)
    request.refresh_from_db()
    assert client.patch(detail(request), {"version": request.version,
                                          "description": "x"}).status_code == 404
    assert client.post({"reason": "identity", "asked_on": "2026-11-21", "note": "ID"},
                       url=detail(request, "pauses")).status_code == 404


def test_an_extension_on_a_hidden_request_is_404(personas: Personas, api: Any) -> None:
    request = logged(personas)
    request_hide(school=personas.school, actor=personas.dpo, request=request,
                 hidden_from=[personas.siro])
    request.refresh_from_db()
    response = api(personas.siro).post(
        {"amount": 1, "reason": "Many records.", "decided_on": "2026-12-01",
         "version": request.version}, url=detail(request, "extensions"))
    assert response.status_code == 404
    assert "Many records" not in response.content.decode()
    assert not Request.objects.get(pk=request.pk).extensions.exists()
    # The same extension by the DPO, from whom it is not hidden, is recorded.
    assert api(personas.dpo).post(
        {"amount": 1, "reason": "Many records.", "decided_on": "2026-12-01"},
        url=detail(request, "extensions")).status_code == 201


# --- pauses and extensions ------------------------------------------------------------------


def test_a_pause_for_identity_waits_and_shows_on_the_request(personas: Personas,
                                                            api: Any) -> None:
    request = logged(personas)
    response = api(personas.dpo).post(
        {"reason": "identity", "asked_on": "2026-11-23",
         "note": "Photo ID for the parent, as we have not met them."},
        url=detail(request, "pauses"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["waiting_since"] == "2026-11-23"
    assert body["pauses"] == [{"reason": "identity", "asked_on": "2026-11-23",
                               "answered_on": None,
                               "note": "Photo ID for the parent, as we have not met them."}]
    assert body["version"] == request.version + 1
    assert AuditEvent.objects.filter(action="requests.hold.asked",
                                     target_label=request.reference).exists()


@pytest.mark.parametrize(("kind", "change", "loc"), [
    (Kind.FOI, {"reason": "identity"}, ["reason"]),  # FOI cannot wait for identity
    (Kind.SUBJECT_ACCESS, {"note": "  "}, ["note"]),
    (Kind.SUBJECT_ACCESS, {"asked_on": "2026-11-01"}, ["asked_on"]),  # before receipt
    (Kind.SUBJECT_ACCESS, {"reason": "patience"}, ["reason"]),
    (Kind.SUBJECT_ACCESS, {"asked_on": "0001-01-01"}, ["asked_on"]),
    (Kind.SUBJECT_ACCESS, {"asked_on": "9999-12-31"}, ["asked_on"]),
    (Kind.SUBJECT_ACCESS, {"asked_on": 0}, ["asked_on"]),
    (Kind.SUBJECT_ACCESS, {"version": True}, ["version"]),
])
def test_a_pause_breaking_a_rule_is_422_naming_the_field(
        personas: Personas, api: Any, kind: str, change: dict[str, Any],
        loc: list[str]) -> None:
    extra = {"subject_type": "", "subject_name": ""} if kind == Kind.FOI else {}
    request = logged(personas, kind=kind, **extra)
    body = {"reason": "identity", "asked_on": "2026-11-23", "note": "Photo ID", **change}
    found = _loc(api(personas.dpo).post(body, url=detail(request, "pauses")))
    assert [part for part in found if part not in ("body", "payload")] == loc
    assert not Hold.objects.exists()


def test_a_pause_with_a_stale_version_is_409(personas: Personas, api: Any) -> None:
    request = logged(personas)
    response = api(personas.dpo).post(
        {"reason": "identity", "asked_on": "2026-11-23", "note": "Photo ID",
         "version": request.version + 1}, url=detail(request, "pauses"))
    assert response.status_code == 409
    assert not Hold.objects.exists()


def test_an_extension_moves_the_deadline_with_its_reason(personas: Personas,
                                                         api: Any) -> None:
    request = logged(personas)
    response = api(personas.siro).post(
        {"amount": 2, "reason": "Ten years of records in four systems.",
         "decided_on": "2026-12-01", "told_on": "2026-12-02", "version": request.version},
        url=detail(request, "extensions"))
    assert response.status_code == 201, response.content
    body = response.json()
    # 20 November + 3 months = 20 February 2027, a Saturday: Monday 22 February.
    assert body["due_on"] == "2027-02-22"
    assert body["extensions"][0]["unit"] == "months"
    assert body["extensions"][0]["reason"] == "Ten years of records in four systems."


@pytest.mark.parametrize(("change", "loc"), [
    ({"amount": 3}, ["amount"]),  # two months in all at most
    ({"reason": ""}, ["reason"]),
    ({"decided_on": "2026-12-22"}, ["decided_on"]),  # after the first month, and future
    ({"amount": "lots"}, ["amount"]),
    ({"amount": True}, ["amount"]),  # not read as 1
    ({"amount": "1"}, ["amount"]),
    ({"version": True}, ["version"]),
    ({"decided_on": 1_795_000_000}, ["decided_on"]),
    ({"told_on": "9999-12-31"}, ["told_on"]),
])
def test_an_extension_breaking_a_rule_is_422_naming_the_field(
        personas: Personas, api: Any, change: dict[str, Any], loc: list[str]) -> None:
    request = logged(personas)
    body = {"amount": 1, "reason": "Many records.", "decided_on": "2026-12-01", **change}
    found = _loc(api(personas.dpo).post(body, url=detail(request, "extensions")))
    assert [part for part in found if part not in ("body", "payload")] == loc
    assert Request.objects.get(pk=request.pk).extensions.count() == 0
