"""The no-login "report a concern" page, /report/<token>/: the form, the receipt code (not
the reference), no session or cookie, nothing about other reports, a replaced or unknown
address is a 404, throttling per internet address, its headers, and logs without the
token."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.incidents_report import make_report
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.models import Channel, Incident
from schoolkeep.incidents.report.concern import concern_page_for, concern_page_replace
from schoolkeep.incidents.report.public_views import ATTEMPT_LIMIT
from schoolkeep.incidents.report.services import receipt_hash
from schoolkeep.lib.log_redaction import redact

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADDRESS = "198.51.100.7"
FILLED = {"title": "My child's report sent to us by mistake",
          "description": "We received another pupil's school report in our child's bag.",
          "personal_data": "yes", "reporter_name": "Pat Parent",
          "reporter_contact": "pat@example.com"}
RECEIPT = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def token(personas: Personas) -> str:
    return concern_page_for(personas.school).token


def url(token: str) -> str:
    return reverse("concern:report", args=[token])


def post(client: Client, token: str, address: str = ADDRESS, **data: Any) -> Any:
    return client.post(url(token), {**FILLED, **data}, REMOTE_ADDR=address)


def test_the_page_shows_the_short_form_and_the_schools_name(client, token):
    response = client.get(url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Report a concern" in page and "Oakfield Primary" in page
    for name in ("title", "description", "occurred_at_0", "occurred_at_4", "discovered_at_0",
                 "data_involved", "personal_data", "reporter_name", "reporter_contact"):
        assert f'name="{name}"' in page
    assert "csrfmiddlewaretoken" not in page


def test_a_report_gives_a_receipt_code_and_never_the_reference(personas: Personas, client,
                                                               token):
    response = post(client, token)
    page = response.content.decode()
    assert response.status_code == 200
    incident = Incident.objects.get()
    [code] = set(RECEIPT.findall(page))
    assert incident.receipt_hash == receipt_hash(code)
    assert incident.reference not in page and "BR-" not in page
    assert (incident.channel, incident.reported_by, incident.school) == (
        Channel.PUBLIC, None, personas.school)
    assert (incident.reporter_name, incident.reporter_contact) == ("Pat Parent",
                                                                   "pat@example.com")
    assert incident.title == FILLED["title"] and incident.personal_data is True
    assert incident.discovered_at == NOW  # left empty: the moment it was sent
    event = AuditEvent.objects.get(action="incidents.incident.reported")
    assert event.actor_id is None and "Pat" not in str(event.changes)


def test_receipt_codes_are_random_not_sequential(client, token):
    codes = {RECEIPT.search(post(client, token).content.decode()).group()  # type: ignore[union-attr]
             for _ in range(3)}
    assert len(codes) == 3


def test_name_and_contact_are_optional(client, token):
    response = post(client, token, reporter_name="", reporter_contact="")
    assert response.status_code == 200 and RECEIPT.search(response.content.decode())
    assert Incident.objects.get().reporter_name == ""


def test_errors_name_each_field_and_save_nothing(client, token):
    response = post(client, token, title="", personal_data="", reporter_contact="x" * 201,
                    occurred_at="2026-03-29T01:30")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A short title: Enter a short title." in page
    assert "Could personal data be involved?: Choose yes, no or not sure" in page
    assert "How we can contact you: Keep this to 200 characters or fewer." in page
    assert "When it happened: There was no 01:30 on Sunday 29 March 2026 in UK time" in page
    assert not Incident.objects.exists()


def test_an_hour_that_happened_twice_is_explained_on_the_receipt(client, token):
    page = post(client, token, occurred_at="2026-10-25T01:30").content.decode()
    assert "We recorded when it happened as the first 01:30 (BST, 00:30 UTC)." in page
    assert Incident.objects.get().occurred_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_the_dpo_and_siro_are_emailed_after_commit(personas: Personas, client, token,
                                                  django_capture_on_commit_callbacks,
                                                  mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, token)
        assert mailoutbox == []
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([personas.dpo.email, personas.siro.email])
    assert Incident.objects.get().reference in mail.body
    for secret in ("Pat Parent", "pat@example.com", "school report", FILLED["title"]):
        assert secret not in mail.body and secret not in mail.subject


def test_no_session_or_cookie_is_needed_or_made(personas: Personas, client, token, login):
    sessions = Session.objects.count()
    for response in (client.get(url(token)), post(client, token)):
        assert not response.cookies, response.cookies
    assert Session.objects.count() == sessions
    # A signed-in member reports as anyone else: not as themselves, and their session is
    # neither read for the report nor changed.
    member = login(personas.siro)
    before = dict(member.cookies.items())
    response = post(member, token)
    assert not response.cookies
    assert Incident.objects.filter(reported_by__isnull=True).count() == 2
    assert dict(member.cookies.items()) == before


def test_nothing_is_said_about_other_reports(personas: Personas, client, token):
    empty = client.get(url(token)).content.decode()
    other = make_report(personas, personas.staff, title="Secret staff matter")
    post(Client(), token, address="192.0.2.50", title="Another parent's concern")
    page = client.get(url(token)).content.decode()
    assert page == empty  # the page is the same whatever else has been reported
    receipt = post(client, token).content.decode()
    for secret in ("Secret staff matter", other.reference, "Another parent", "BR-"):
        assert secret not in page and secret not in receipt


def test_an_unknown_or_replaced_address_is_a_404_that_names_no_school(personas: Personas,
                                                                      client, token):
    concern_page_replace(school=personas.school, actor=personas.dpo)
    new = concern_page_for(personas.school).token
    for response in (client.get(url(token)), post(client, token),
                     client.get(url("q" * 22), REMOTE_ADDR="192.0.2.1")):
        page = response.content.decode()
        assert response.status_code == 404
        assert "This address does not work" in page and "Oakfield" not in page
    assert not Incident.objects.exists()
    assert client.get(url(new), REMOTE_ADDR="192.0.2.2").status_code == 200


def test_submissions_are_throttled_per_internet_address(client, token):
    for _ in range(ATTEMPT_LIMIT):
        assert post(client, token).status_code == 200
    for response in (post(client, token), client.get(url(token), REMOTE_ADDR=ADDRESS)):
        assert response.status_code == 429
        assert "Too many reports" in response.content.decode()
        assert response["Retry-After"] == "3600"
    assert Incident.objects.count() == ATTEMPT_LIMIT
    assert post(client, token, address="203.0.113.20").status_code == 200  # another address
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
        assert post(client, token, title="").status_code == 200
    assert post(client, token).status_code == 200


def test_the_page_sends_no_referrer_is_never_stored_and_not_indexed(client, token):
    for response in (client.get(url(token)), post(client, token),
                     client.get(url("nothing-here"))):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="referrer" content="no-referrer">' in response.content.decode()


def test_other_paths_under_report_are_quiet_404s_and_a_missing_slash_is_added(client,
                                                                              token):
    response = client.get(f"/report/{token}")
    assert response.status_code == 302 and response["Location"] == url(token)
    assert client.get(f"/report/{token}/more").status_code == 404
    assert client.post(f"/report/{token}").status_code == 404


def test_tokens_are_redacted_from_logs(token, caplog):
    assert redact(f'"GET /report/{token}/ HTTP/1.1" 200') == (
        '"GET /report/[redacted]/ HTTP/1.1" 200')
    assert redact("GET /incidents/report/ 200") == "GET /incidents/report/ 200"
    record = logging.getLogger("django.server").makeRecord(
        "django.server", logging.INFO, __file__, 1, "%s", (f"GET /report/{token}/",), None)
    assert token not in record.getMessage()


def test_a_refusal_is_not_logged_with_its_path(db, client, caplog):
    with caplog.at_level(logging.INFO):
        client.get(url("secret-looking-guess"))
    assert "secret-looking-guess" not in caplog.text
    assert "/report/[redacted]" in caplog.text
