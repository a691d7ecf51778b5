"""The progress pages and partials: each form saves through its service and goes back to the
request's page, a broken rule shows on its field and saves nothing, the request's page shows
the pauses, extensions and response with the links a handler may use (none for the
auditor), and ``progress_context`` costs the same queries at 3 and 40 pauses.

Today is pinned to Monday 16 March 2026 (UK)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.inforequests.models import Extension, Hold, Kind, Request, Status
from schoolkeep.inforequests.progress.selectors import progress_context
from schoolkeep.inforequests.progress.services import extension_add, hold_ask, request_respond

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

Login = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _request(personas: Personas, kind: str = Kind.SUBJECT_ACCESS) -> Request:
    return make_request(personas, kind=kind, received_at=RECEIVED)


def _day(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _url(name: str, request: Request, **kwargs: Any) -> str:
    return reverse(f"requests:{name}", kwargs={"public_id": request.public_id, **kwargs})


def test_pausing_the_clock_from_the_form(personas: Personas, login: Login) -> None:
    request = _request(personas)
    client = login(personas.dpo)
    response = client.post(_url("hold-add", request), {
        "version": request.version, "reason": "identity", "note": "Photo ID, please",
        **_day("asked_on", date(2026, 3, 3))})
    assert response.status_code == 302
    assert response["Location"] == _url("request-detail", request)
    hold = Hold.objects.get(request=request)
    assert (hold.reason, hold.asked_on, hold.note) == ("identity", date(2026, 3, 3),
                                                       "Photo ID, please")
    assert Request.objects.get(pk=request.pk).waiting_since == date(2026, 3, 3)


def test_a_broken_rule_shows_on_its_field_and_saves_nothing(personas: Personas,
                                                            login: Login) -> None:
    request = _request(personas)
    client = login(personas.dpo)
    response = client.post(_url("hold-add", request), {
        "version": request.version, "reason": "identity", "note": "",
        **_day("asked_on", date(2026, 3, 20))})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["note"] == ["Enter what was asked of the requester, and why."]
    assert errors["asked_on"] == ["The day it was asked for must be today or in the past"]
    assert not Hold.objects.filter(request=request).exists()


def test_the_service_rule_lands_on_the_field(personas: Personas, login: Login) -> None:
    request = _request(personas)  # received 2 March
    client = login(personas.dpo)
    response = client.post(_url("hold-add", request), {
        "version": request.version, "reason": "identity", "note": "ID",
        **_day("asked_on", date(2026, 2, 27))})
    assert response.status_code == 200
    assert "before the request arrived" in response.context["form"].errors["asked_on"][0]


def test_a_stale_form_says_so(personas: Personas, login: Login) -> None:
    request = _request(personas)
    client = login(personas.dpo)
    hold_ask(school=personas.school, actor=personas.siro, request=request, reason="fee",
             asked_on=date(2026, 3, 3), note="The fee for extra copies")
    response = client.post(_url("hold-add", request), {
        "version": request.version, "reason": "identity", "note": "ID",
        **_day("asked_on", date(2026, 3, 3))})
    assert response.status_code == 200 and response.context["stale"] is True
    assert Hold.objects.filter(request=request).count() == 1


def test_extending_and_telling_from_the_forms(personas: Personas, login: Login) -> None:
    request = _request(personas)
    client = login(personas.dpo)
    page = client.get(_url("extension-add", request))
    assert [value for value, _ in page.context["form"].fields["amount"].choices] == [1, 2]
    response = client.post(_url("extension-add", request), {
        "version": request.version, "amount": "2", "reason": "Five systems to search",
        **_day("decided_on", date(2026, 3, 10))})
    assert response.status_code == 302
    extension = Extension.objects.get(request=request)
    stored = Request.objects.get(pk=request.pk)
    assert stored.due_on == date(2026, 6, 2)
    response = client.post(_url("extension-told", request, extension_id=extension.pk), {
        "version": stored.version, **_day("told_on", date(2026, 3, 11))})
    assert response.status_code == 302
    assert Extension.objects.get(pk=extension.pk).told_on == date(2026, 3, 11)


def test_a_kind_without_pauses_or_extensions_says_so(personas: Personas, login: Login) -> None:
    request = _request(personas, kind=Kind.EDUCATIONAL_RECORD)
    client = login(personas.dpo)
    assert "cannot be paused" in client.get(_url("hold-add", request)).content.decode()
    assert "cannot be extended" in client.get(_url("extension-add", request)).content.decode()


def test_responding_late_from_the_form_needs_the_reason(personas: Personas,
                                                        login: Login) -> None:
    request = make_request(personas, received_at=datetime(2026, 2, 2, 10, tzinfo=UTC))
    client = login(personas.dpo)
    body = {"version": request.version, "outcome": "full", "response_channel": "letter",
            **_day("responded_on", date(2026, 3, 13))}
    response = client.post(_url("request-respond", request), body)
    assert response.status_code == 200
    assert "after the deadline" in response.context["form"].errors["late_reason"][0]
    response = client.post(_url("request-respond", request),
                           {**body, "late_reason": "Staff illness"})
    assert response.status_code == 302
    assert Request.objects.get(pk=request.pk).status == Status.ANSWERED


def test_the_erasure_form_asks_for_the_recipients(personas: Personas, login: Login) -> None:
    client = login(personas.dpo)
    erasure = _request(personas, kind=Kind.ERASURE)
    access = _request(personas)
    assert "recipients_told" in client.get(_url("request-respond", erasure)).context["form"].fields
    assert "recipients_told" not in client.get(
        _url("request-respond", access)).context["form"].fields


def test_the_complaint_pages(personas: Personas, login: Login) -> None:
    complaint = _request(personas, kind=Kind.COMPLAINT)
    client = login(personas.dpo)
    page = client.get(_url("request-respond", complaint))
    assert [v for v, _ in page.context["form"].fields["outcome"].choices] == [
        "upheld", "partly_upheld", "not_upheld"]
    response = client.post(_url("request-acknowledge", complaint), {
        "version": complaint.version, **_day("acknowledged_on", date(2026, 3, 4))})
    assert response.status_code == 302
    assert Request.objects.get(pk=complaint.pk).acknowledged_on == date(2026, 3, 4)
    assert "Already acknowledged" in client.get(
        _url("request-acknowledge", complaint)).content.decode()
    detail = client.get(_url("request-detail", complaint)).content.decode()
    assert 'id="pauses"' not in detail  # a complaint has no pause in law
    assert "Acknowledged on 4 March 2026" in detail
    assert _url("request-acknowledge", complaint) not in detail


def test_withdrawing_from_the_form(personas: Personas, login: Login) -> None:
    request = _request(personas)
    client = login(personas.siro)
    response = client.post(_url("request-withdraw", request), {
        "version": request.version, "reason": "Not needed any more",
        **_day("withdrawn_on", date(2026, 3, 12))})
    assert response.status_code == 302
    assert Request.objects.get(pk=request.pk).status == Status.WITHDRAWN
    page = client.get(_url("request-respond", request)).content.decode()
    assert "nothing more can be recorded" in page


def test_a_pause_of_another_request_is_a_404(personas: Personas, login: Login) -> None:
    request, other = _request(personas), _request(personas)
    hold = hold_ask(school=personas.school, actor=None, request=other, reason="identity",
                    asked_on=date(2026, 3, 3), note="ID")
    client = login(personas.dpo)
    assert client.get(_url("hold-answer", request, hold_id=hold.pk)).status_code == 404
    assert client.get(_url("hold-answer", other, hold_id=hold.pk)).status_code == 200


def test_a_request_hidden_from_the_handler_is_a_404(personas: Personas, login: Login) -> None:
    request = _request(personas)
    request.hidden_from.add(personas.siro)
    assert login(personas.siro).get(_url("hold-add", request)).status_code == 404


def test_the_request_page_shows_the_progress_and_its_links(personas: Personas,
                                                           login: Login) -> None:
    request = _request(personas)
    hold_ask(school=personas.school, actor=None, request=request, reason="identity",
             asked_on=date(2026, 3, 3), note="Photo ID from the parent")
    extension_add(school=personas.school, actor=None, request=request, amount=1,
                  reason="Records in five systems", decided_on=date(2026, 3, 10))
    page = login(personas.dpo).get(_url("request-detail", request)).content.decode()
    assert "Photo ID from the parent" in page and "Records in five systems" in page
    assert "Not told yet" in page
    assert _url("hold-answer", request, hold_id=Hold.objects.get(request=request).pk) in page
    assert _url("extension-add", request) in page  # one more month may be added
    assert _url("request-respond", request) in page
    # The auditor reads it all, with no link to a form.
    page = login(personas.auditor).get(_url("request-detail", request)).content.decode()
    assert "Photo ID from the parent" in page
    assert _url("request-respond", request) not in page
    assert _url("hold-add", request) not in page


def test_the_request_page_shows_the_response(personas: Personas, login: Login) -> None:
    request = make_request(personas, received_at=datetime(2026, 2, 2, 10, tzinfo=UTC))
    request_respond(school=personas.school, actor=None, request=request,
                    responded_on=date(2026, 3, 13), outcome="partial",
                    response_channel="letter", late_reason="Staff illness")
    page = login(personas.dpo).get(_url("request-detail", request)).content.decode()
    assert "Answered in part" in page and "Staff illness" in page
    assert "13 March 2026" in page
    assert _url("request-respond", request) not in page


@pytest.mark.parametrize("rows", [3, 40])
def test_progress_context_costs_two_queries_however_many_pauses(
        personas: Personas, django_assert_num_queries: Any, rows: int) -> None:
    request = _request(personas)
    Hold.objects.bulk_create(
        Hold(request=request, reason="clarification", asked_on=date(2026, 3, 3),
             answered_on=date(2026, 3, 4), note=f"Question {n}") for n in range(rows))
    Extension.objects.bulk_create(
        Extension(request=request, amount=1, reason=f"Reason {n}",
                  decided_on=date(2026, 3, 5)) for n in range(rows))
    with django_assert_num_queries(2):
        progress = progress_context(request)["progress"]
    assert len(progress.holds) == rows and len(progress.extensions) == rows
    assert progress.holds[0].days == 2
