"""The school's no-login request page, /ask/<token>/: the form, the receipt code (never the
reference), no session or cookie, nothing about other requests, a replaced or unknown
address is a 404, throttling per internet address, its headers and Content Security Policy,
and logs without the token."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.intake.public import (
    request_page_by_token,
    request_page_replace,
    request_page_set_up,
)
from schoolkeep.inforequests.intake.public_views import ATTEMPT_LIMIT
from schoolkeep.inforequests.intake.services import receipt_hash
from schoolkeep.inforequests.models import Channel, Kind, Request
from schoolkeep.lib.log_redaction import redact

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADDRESS = "198.51.100.7"
FILLED = {"kind": "subject_access", "requester_type": "parent",
          "requester_name": "Pat Parent", "requester_contact": "pat@example.com",
          "subject_type": "pupils", "subject_name": "Sam Pupil",
          "description": "Everything about Sam's exclusion last spring."}
RECEIPT = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def token(personas: Personas) -> str:
    return request_page_set_up(school=personas.school, actor=personas.dpo).token


def url(token: str) -> str:
    return reverse("ask:request", args=[token])


def post(client: Client, token: str, address: str = ADDRESS, **data: Any) -> Any:
    return client.post(url(token), {**FILLED, **data}, REMOTE_ADDR=address)


def test_the_page_shows_the_short_form_and_the_schools_name(client, token):
    response = client.get(url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Make a request" in page and "Oakfield Primary" in page
    for name in ("kind", "requester_type", "requester_name", "requester_contact",
                 "authority_evidence", "subject_type", "subject_name", "description"):
        assert f'name="{name}"' in page
    # Every kind is offered, in plain English; when and how are not asked.
    for value in Kind.values:
        assert f'value="{value}"' in page
    assert 'name="channel"' not in page and 'name="received_at' not in page
    assert "csrfmiddlewaretoken" not in page


def test_a_request_gives_a_receipt_code_and_never_the_reference(personas: Personas, client,
                                                                token):
    response = post(client, token)
    page = response.content.decode()
    assert response.status_code == 200
    request = Request.objects.get()
    [code] = set(RECEIPT.findall(page))
    assert request.receipt_hash == receipt_hash(code)
    assert request.reference not in page and "RQ-" not in page
    assert (request.channel, request.logged_by, request.school) == (
        Channel.PUBLIC_PAGE, None, personas.school)
    assert (request.requester_name, request.requester_contact, request.subject_name) == (
        "Pat Parent", "pat@example.com", "Sam Pupil")
    # Received now: its clock starts today.
    assert request.received_at == NOW and request.received_on == date(2026, 11, 2)
    assert request.due_on == date(2026, 12, 2)
    event = AuditEvent.objects.get(action="requests.request.logged")
    assert event.actor_id is None and "Pat" not in str(event.changes)


def test_receipt_codes_are_random_not_sequential(client, token):
    codes = {RECEIPT.search(post(client, token).content.decode()).group()  # type: ignore[union-attr]
             for _ in range(3)}
    assert len(codes) == 3


def test_a_freedom_of_information_request_needs_no_one_named(client, token):
    response = post(client, token, kind="foi", requester_type="public", subject_type="",
                    subject_name="", description="What the school spent on agency staff.")
    assert response.status_code == 200 and RECEIPT.search(response.content.decode())
    request = Request.objects.get()
    assert (request.kind, request.subject_type, request.subject_name) == ("foi", "", "")


def test_errors_name_each_field_and_save_nothing(client, token):
    response = post(client, token, kind="", requester_name="", requester_contact="",
                    description="x" * 10_001)
    page = response.content.decode()
    assert response.status_code == 200
    assert "What are you asking for?: Choose what kind of request it is." in page
    assert "Your name: Enter your name." in page
    assert "How the school can reply to you: Enter how the school can reply to you." in page
    assert "What would you like?: Keep this to 10,000 characters or fewer." in page
    page = post(client, token, subject_type="", subject_name="").content.decode()
    assert "Choose who the request is about." in page
    assert not Request.objects.exists()


def test_asking_about_yourself_needs_no_second_name(client, token):
    post(client, token, requester_type="subject", subject_type="former_pupils",
         subject_name="", requester_name="Alex Former")
    assert Request.objects.get().subject_name == "Alex Former"


def test_the_dpo_and_siro_are_emailed_after_commit(personas: Personas, client, token,
                                                  django_capture_on_commit_callbacks,
                                                  mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, token)
        assert mailoutbox == []
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([personas.dpo.email, personas.siro.email])
    assert Request.objects.get().reference in mail.body
    for secret in ("Pat Parent", "pat@example.com", "Sam", "exclusion"):
        assert secret not in mail.body and secret not in mail.subject


def test_no_session_or_cookie_is_needed_or_made(personas: Personas, client, token, login):
    sessions = Session.objects.count()
    for response in (client.get(url(token)), post(client, token)):
        assert not response.cookies, response.cookies
    assert Session.objects.count() == sessions
    # A signed-in member asks as anyone else: not as themselves, and their session is
    # neither read for the request nor changed.
    member = login(personas.siro)
    before = dict(member.cookies.items())
    response = post(member, token)
    assert not response.cookies
    assert Request.objects.filter(logged_by__isnull=True).count() == 2
    assert dict(member.cookies.items()) == before


def test_nothing_is_said_about_other_requests(personas: Personas, client, token):
    empty = client.get(url(token)).content.decode()
    other = make_request(personas, description="A secret staff grievance")
    post(Client(), token, address="192.0.2.50", requester_name="Another Parent")
    page = client.get(url(token)).content.decode()
    assert page == empty  # the page is the same whatever else has been asked
    receipt = post(client, token).content.decode()
    for secret in ("secret staff grievance", other.reference, "Another Parent", "RQ-"):
        assert secret not in page and secret not in receipt


def test_an_unknown_or_replaced_address_is_a_404_that_names_no_school(personas: Personas,
                                                                      client, token):
    request_page_replace(school=personas.school, actor=personas.dpo)
    new = request_page_set_up(school=personas.school, actor=personas.dpo).token
    assert new != token and request_page_by_token(token) is None
    for response in (client.get(url(token)), post(client, token),
                     client.get(url("q" * 22), REMOTE_ADDR="192.0.2.1")):
        page = response.content.decode()
        assert response.status_code == 404
        assert "This address does not work" in page and "Oakfield" not in page
    assert not Request.objects.exists()
    assert client.get(url(new), REMOTE_ADDR="192.0.2.2").status_code == 200
    assert request_page_by_token("x" * 65) is None and request_page_by_token("") is None


def test_requests_are_throttled_per_internet_address(personas: Personas, client, token):
    for _ in range(ATTEMPT_LIMIT):
        assert post(client, token).status_code == 200
    for response in (post(client, token), client.get(url(token), REMOTE_ADDR=ADDRESS)):
        assert response.status_code == 429
        assert "Too many requests" in response.content.decode()
        assert response["Retry-After"] == "3600"
    assert Request.objects.count() == ATTEMPT_LIMIT
    assert post(client, token, address="203.0.113.20").status_code == 200  # another address
    # Another school's page is not used up by this school's visitors at that address.
    theirs = request_page_set_up(school=personas.other_school, actor=None).token
    assert post(client, theirs).status_code == 200
    with time_machine.travel(NOW.replace(hour=11, minute=1), tick=False):
        assert post(client, token).status_code == 200  # an hour later


def test_unknown_addresses_count_towards_the_throttle(client, token):
    for number in range(ATTEMPT_LIMIT):
        assert client.get(url(f"guess{number}"), REMOTE_ADDR=ADDRESS).status_code == 404
    # The real address now gets 429 too: a guesser cannot tell a right guess from a wrong one.
    assert client.get(url(token), REMOTE_ADDR=ADDRESS).status_code == 429
    assert client.get(url("another-guess"), REMOTE_ADDR=ADDRESS).status_code == 429


def test_a_form_with_errors_does_not_count(client, token):
    for _ in range(ATTEMPT_LIMIT + 2):
        assert post(client, token, description="").status_code == 200
    for _ in range(2):  # nor does a subject left out of a subject access request
        assert post(client, token, subject_type="").status_code == 200
    assert post(client, token).status_code == 200
    assert Request.objects.count() == 1


def test_the_page_sends_no_referrer_is_never_stored_and_not_indexed(client, token):
    for response in (client.get(url(token)), post(client, token),
                     client.get(url("nothing-here"))):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="referrer" content="no-referrer">' in response.content.decode()


def test_the_page_runs_no_script_and_allows_only_our_own(client, token):
    response = client.get(url(token))
    csp = response["Content-Security-Policy"]
    match = re.search(r"(?:^|;)\s*script-src ([^;]*)", csp)
    assert match and match.group(1).split() == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "<script" not in response.content.decode()


def test_other_paths_under_ask_are_quiet_404s_and_a_missing_slash_is_added(client, token):
    response = client.get(f"/ask/{token}")
    assert response.status_code == 302 and response["Location"] == url(token)
    assert client.get(f"/ask/{token}/more").status_code == 404
    assert client.post(f"/ask/{token}").status_code == 404


def test_tokens_are_redacted_from_logs(token):
    assert redact(f'"GET /ask/{token}/ HTTP/1.1" 200') == '"GET /ask/[redacted]/ HTTP/1.1" 200'
    assert redact(f'"POST /ask/{token}/ HTTP/1.1" 429') == (
        '"POST /ask/[redacted]/ HTTP/1.1" 429')
    record = logging.getLogger("django.server").makeRecord(
        "django.server", logging.INFO, __file__, 1, "%s", (f"GET /ask/{token}/",), None)
    assert token not in record.getMessage()


def test_a_refusal_is_not_logged_with_its_path(db, client, caplog):
    with caplog.at_level(logging.INFO):
        client.get(url("secret-looking-guess"))
    assert "secret-looking-guess" not in caplog.text
    assert "/ask/[redacted]" in caplog.text


def _hold(personas: Personas, count: int) -> None:
    """Requests until the school holds ``count``."""
    for _ in range(count - Request.objects.filter(school=personas.school).count()):
        make_request(personas)


# The page: two throttle checks and the page. A request: the same, the throttle's count,
# then request_log (the counter, full_clean's checks of the unique fields, the request, its
# clock from the school's terms and holidays, the audit, with their savepoints); none of
# them grows with the requests the school holds.
PAGE_QUERIES = 3
REQUEST_QUERIES = 28


@pytest.mark.parametrize("held", [3, 40])
def test_the_page_and_a_request_take_a_fixed_number_of_queries(
        personas: Personas, client, token, django_assert_num_queries, held: int):
    _hold(personas, held)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url(token)).status_code == 200
    with django_assert_num_queries(REQUEST_QUERIES):
        assert RECEIPT.search(post(client, token).content.decode())
    assert Request.objects.filter(school=personas.school).count() == held + 1


def test_head_is_read_as_get_and_other_methods_get_405_with_the_pages_headers(client, token):
    head = client.head(url(token))
    assert head.status_code == 200
    for method in ("put", "patch", "delete", "options"):
        response = getattr(client, method)(url(token))
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, POST"
    for response in (head, client.put(url(token)), client.put(url("unknown-token"))):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not Request.objects.exists()


def test_a_refused_method_is_not_logged_with_its_path(client, token, caplog):
    with caplog.at_level(logging.INFO):
        client.put(url(token))
    assert token not in caplog.text and "/ask/[redacted]" in caplog.text
