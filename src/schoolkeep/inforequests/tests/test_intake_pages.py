"""The signed-in pages of receiving requests: the member's short form (/requests/new/), what
follows it (a handler goes to the request's page; anyone else sees the reference and no
more), and the settings of the public request page with its QR code and poster."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.intake import poster
from schoolkeep.inforequests.intake.public import request_page_of, request_page_set_up
from schoolkeep.inforequests.models import Channel, Kind, Request, RequestPage

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)
LOG = reverse("requests:request-log")
PAGE = reverse("requests:public-page")
FILLED = {"kind": "subject_access", "channel": "email",
          "received_at_0": "30", "received_at_1": "10", "received_at_2": "2026",
          "received_at_3": "16", "received_at_4": "45",
          "requester_type": "parent", "requester_name": "Pat Parent",
          "requester_contact": "pat@example.com", "subject_type": "pupils",
          "subject_name": "Sam Pupil", "description": "Sam's behaviour records in Year 5."}


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client: Any, **data: str) -> Any:
    return client.post(LOG, {**FILLED, **data})


def test_the_form_asks_the_short_questions_and_starts_at_now(personas: Personas,
                                                             login) -> None:
    page = login(personas.staff).get(LOG).content.decode()
    for name in ("kind", "channel", "received_at_0", "received_at_4", "requester_type",
                 "requester_name", "requester_contact", "authority_evidence",
                 "subject_type", "subject_name", "description"):
        assert f'name="{name}"' in page
    # When it was received starts at now, in UK time: 2 11 2026 10 00.
    for box, value in (("0", "2"), ("1", "11"), ("2", "2026"), ("3", "10"), ("4", "00")):
        assert re.search(rf'<input[^>]*name="received_at_{box}"[^>]*value="{value}"', page)
    assert "Subject access: someone asks for a copy" in page
    assert "Freedom of information: anyone asks" in page
    # The public page's and the API's channels are not a member's to choose.
    assert 'value="public_page"' not in page and 'value="api"' not in page


def test_a_member_who_may_not_see_requests_gets_the_reference_only(personas: Personas,
                                                                   login) -> None:
    client = login(personas.staff)
    response = post(client)
    request = Request.objects.get()
    logged = reverse("requests:request-logged", args=[request.public_id])
    assert response.status_code == 302 and response["Location"] == logged
    response = client.get(logged)
    page = response.content.decode()
    assert response.status_code == 200
    assert request.reference == "RQ-2026-0001" and request.reference in page
    assert "What happens next" in page
    for secret in ("Pat Parent", "Sam Pupil", "behaviour", "pat@example.com"):
        assert secret not in page
    assert (request.kind, request.channel, request.logged_by) == (
        Kind.SUBJECT_ACCESS, Channel.EMAIL, personas.staff)
    # Received on Friday 30 October 2026 at 16:45 UK time (GMT): the month runs from then.
    assert request.received_at == datetime(2026, 10, 30, 16, 45, tzinfo=UTC)
    assert request.received_on == date(2026, 10, 30)
    assert request.due_on == date(2026, 11, 30)


def test_refreshing_the_logged_page_logs_nothing_again(personas: Personas, login) -> None:
    client = login(personas.staff)
    logged = post(client)["Location"]
    for _ in range(3):
        assert client.get(logged).status_code == 200
    assert Request.objects.count() == 1
    assert AuditEvent.objects.filter(action="requests.request.logged").count() == 1
    assert client.post(logged, FILLED).status_code == 405
    assert Request.objects.count() == 1


def test_the_logged_page_is_only_for_the_member_who_logged_it(personas: Personas,
                                                              login) -> None:
    post(login(personas.staff))
    request = Request.objects.get()
    logged = reverse("requests:request-logged", args=[request.public_id])
    for name in ("siro", "dpo", "auditor", "governor", "dsl", "outsider"):
        assert login(getattr(personas, name)).get(logged).status_code == 404, name
    # Another school's member who logged one of their own cannot open this one either.
    theirs = make_request(personas, personas.outsider, school=personas.other_school)
    assert login(personas.staff).get(reverse(
        "requests:request-logged", args=[theirs.public_id])).status_code == 404
    assert login(personas.outsider).get(reverse(
        "requests:request-logged", args=[theirs.public_id])).status_code == 200


def test_a_handler_goes_on_to_the_request_page(personas: Personas, login) -> None:
    response = post(login(personas.dpo))
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:request-detail", args=[request.public_id])


def test_errors_name_each_field_and_save_nothing(personas: Personas, login) -> None:
    response = post(login(personas.staff), kind="", requester_name="", description="",
                    received_at_0="31", received_at_1="11")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose what kind of request it is." in page
    assert "Enter the name of the person who asked." in page
    assert "Enter what they asked for." in page
    assert "When it was received must be a real date and time" in page
    assert not Request.objects.exists()


def test_a_time_in_the_future_or_a_missing_subject_is_refused(personas: Personas,
                                                              login) -> None:
    client = login(personas.staff)
    page = post(client, received_at_0="3", received_at_1="11").content.decode()
    assert "When it was received must be in the past" in page
    page = post(client, subject_type="", subject_name="").content.decode()
    assert "Choose who the request is about." in page
    page = post(client, subject_name="").content.decode()
    assert "Enter the name of the person the request is about." in page
    assert not Request.objects.exists()


def test_freedom_of_information_needs_no_subject(personas: Personas, login) -> None:
    post(login(personas.governor), kind="foi", requester_type="public", subject_type="",
         subject_name="")
    assert Request.objects.get().kind == Kind.FOI


def test_the_trust_administrator_may_not_log_one(personas: Personas, login) -> None:
    assert post(login(personas.trust_admin)).status_code == 403
    assert not Request.objects.exists()


def test_opening_the_public_page_settings_sets_nothing_up(personas: Personas, login) -> None:
    page = login(personas.dpo).get(PAGE).content.decode()
    assert "Set up the request page" in page
    assert not RequestPage.objects.exists()
    assert login(personas.dpo).get(reverse("requests:public-page-poster")).status_code == 200
    assert not RequestPage.objects.exists()


def test_setting_up_gives_an_address_qr_and_poster(personas: Personas, login) -> None:
    client = login(personas.dpo)
    response = client.post(PAGE, {"set_up": "1"})
    assert response.status_code == 302
    page = request_page_of(personas.school)
    assert page is not None and len(page.token) >= 22
    shown = client.get(PAGE).content.decode()
    assert f"/ask/{page.token}/" in shown and "<svg" in shown
    assert AuditEvent.objects.get(action="requests.page.created").changes == {
        "address": "created"}
    client.post(PAGE, {"set_up": "1"})  # twice: still one page, one address
    assert RequestPage.objects.get().token == page.token
    response = client.get(reverse("requests:public-page-poster"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = poster.poster_html(school=personas.school, url=f"https://x.example/ask/{page.token}/")
    assert "Oakfield Primary" in html and f"/ask/{page.token}/" in html
    assert 'src="data:image/svg+xml' in html


def test_replacing_the_address_needs_the_box_ticked(personas: Personas, login) -> None:
    old = request_page_set_up(school=personas.school, actor=personas.dpo).token
    client = login(personas.siro)
    page = client.post(PAGE, {}).content.decode()
    assert "Tick the box to confirm" in page
    assert RequestPage.objects.get().token == old
    assert client.post(PAGE, {"confirm": "on"}).status_code == 302
    new = RequestPage.objects.get()
    assert new.token != old and new.replaced_at == NOW
    event = AuditEvent.objects.get(action="requests.page.replaced")
    assert old not in str(event.changes) and new.token not in str(event.changes)


def test_staff_may_not_see_the_public_page_settings(personas: Personas, login) -> None:
    for name in ("staff", "auditor", "governor"):
        assert login(getattr(personas, name)).get(PAGE).status_code == 403
