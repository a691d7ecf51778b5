"""The public page of a personal link, /sign/<token>: every path (ready, signed, reused,
expired, revoked, unknown), what it shows and hides, its headers, the token on other URLs,
no session, the throttle on wrong tokens, and logs without the token."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.links import make_parent, published_aup
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Aup, Signature
from schoolkeep.agreements.aups.services import draft_save, version_publish
from schoolkeep.agreements.signing.links.services import link_issue
from schoolkeep.agreements.signing.page.views import WRONG_TOKEN_LIMIT

POLICY_TEXT = "# Using the school's Wi-Fi\n\nKeep your password to yourself.\n\n- Be kind online"


@pytest.fixture
def aup(personas: Personas) -> Aup:
    return published_aup(personas, text=POLICY_TEXT)


@pytest.fixture
def issued(personas: Personas, aup: Aup) -> tuple[Any, str]:
    parent = make_parent(personas, "Pat Parent", "pat@example.com", classes="Year 3")
    make_parent(personas, "Another Parent", "another@example.com")
    return link_issue(aup=aup, actor=personas.business_manager, channel="email", parent=parent)


def url(token: str) -> str:
    return reverse("signing:sign", args=[token])


def post(client: Client, token: str, **data: Any) -> Any:
    return client.post(url(token), {"typed_name": "Pat Parent", "agreed": "on", **data},
                       REMOTE_ADDR="198.51.100.7")


def test_the_page_shows_the_policy_the_form_and_only_the_signers_name(client, issued, aup):
    _, token = issued
    response = client.get(url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert aup.title in page and "Oakfield Primary" in page and "Pat Parent" in page
    assert "<h2>Using the school&#x27;s Wi-Fi</h2>" in page or "Using the school" in page
    assert "<li>Be kind online</li>" in page
    assert "Another Parent" not in page and "Year 3" not in page  # nobody else, no details
    assert "pat@example.com" not in page and "Business manager" not in page
    assert 'name="typed_name"' in page and 'name="agreed"' in page


def test_the_page_sends_no_referrer_and_is_never_stored(client, issued):
    _, token = issued
    for response in (client.get(url(token)), client.get(url("z" * 43))):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert '<meta name="referrer" content="no-referrer">' in response.content.decode()


def test_signing_thanks_the_signer_and_records_the_signature(client, issued, aup):
    link, token = issued
    response = post(client, token)
    assert response.status_code == 200
    page = response.content.decode()
    signature = Signature.objects.get(link=link)
    assert "Thank you" in page and f"You signed the {aup.title} on" in page
    assert signature.signed_at.strftime("%Y") in page
    assert signature.method == "link" and signature.ip_address == "198.51.100.7"


def test_a_reused_link_says_when_it_was_used_and_that_nothing_more_is_needed(client, issued):
    _, token = issued
    post(client, token)
    for response in (client.get(url(token)), post(client, token)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "You have already signed" in page and "Nothing more is needed" in page
        assert 'name="typed_name"' not in page
    assert Signature.objects.count() == 1


def test_an_expired_link_says_when_it_expired_and_whom_to_ask(client, issued):
    link, token = issued
    with time_machine.travel(link.expires_at + timedelta(minutes=1)):
        response = client.get(url(token))
        late_post = post(client, token)
    page = response.content.decode()
    assert response.status_code == 410 and late_post.status_code == 410
    assert "This link has expired" in page and "Ask Oakfield Primary for a new link" in page
    assert f"{link.expires_at:%Y}" in page
    assert not Signature.objects.exists()


def test_a_revoked_link_does_not_work(client, personas, issued, aup):
    link, token = issued
    link_issue(aup=aup, actor=personas.siro, channel="letter", parent=link.parent)
    response = client.get(url(token))
    assert response.status_code == 410
    assert "This link does not work" in response.content.decode()
    assert post(client, token).status_code == 410
    assert not Signature.objects.exists()


def test_an_unknown_link_does_not_work_and_says_to_ask_the_school(client, issued):
    response = client.get(url("q" * 43))
    page = response.content.decode()
    assert response.status_code == 404
    assert "This link does not work" in page and "ask the school" in page
    assert "Oakfield" not in page  # an unknown token learns nothing about any school


def test_the_form_shows_errors_and_uses_nothing_up(client, issued):
    _, token = issued
    response = post(client, token, agreed="", typed_name="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter your full name." in page
    assert "Tick the box" in page
    assert client.get(url(token)).status_code == 200
    assert not Signature.objects.exists()


def test_a_new_version_published_after_the_link_is_the_one_signed(client, personas, issued, aup):
    _, token = issued
    draft = draft_save(aup=aup, actor=personas.business_manager, text="Version two text.")
    version_publish(draft=draft, actor=personas.business_manager, requires_everyone_to_sign=True)
    assert "Version two text." in client.get(url(token)).content.decode()
    post(client, token)
    assert Signature.objects.get().aup_version == draft


def test_the_token_opens_no_other_url(client, issued):
    _, token = issued
    for path in (f"/sign/{token}/", f"/sign/{token}/anything", f"/sign/{token}/sign/x",
                 f"/agreements/{token}/", f"/join/{token}/", f"/kiosk/{token}",
                 f"/jobs/{token}/"):
        response = client.get(path)
        assert response.status_code in (404, 302), path
        assert "Pat Parent" not in response.content.decode(), path
    assert client.get(f"/sign/{token}/anything").status_code == 404
    assert client.post(f"/sign/{token}/anything").status_code == 404
    assert client.get(f"/sign/{token}?next=/agreements/").status_code == 200  # still only this page


def test_no_session_or_cookie_is_created_or_changed(client, issued):
    _, token = issued
    for response in (client.get(url(token)), post(client, token), client.get(url(token))):
        assert not response.cookies, response.cookies
    assert not Session.objects.exists()


def test_a_signed_in_members_session_is_left_alone(client, login, personas, issued):
    _, token = issued
    login(personas.staff)
    session_key = client.session.session_key
    before = dict(client.session.items())
    response = post(client, token)
    assert response.status_code == 200
    assert client.session.session_key == session_key
    assert {k: v for k, v in client.session.items() if k != "schoolkeep_last_activity"} == \
        {k: v for k, v in before.items() if k != "schoolkeep_last_activity"}
    page = response.content.decode()
    assert "Staff Person" not in page and "Sign out" not in page  # no member chrome
    assert Signature.objects.get().user is None  # signed as the link's parent


def test_wrong_tokens_are_throttled_per_address(client, issued):
    _, token = issued
    for n in range(WRONG_TOKEN_LIMIT):
        assert client.get(url(f"{n:03d}" + "w" * 40), REMOTE_ADDR="192.0.2.1").status_code == 404
    blocked = client.get(url("x" * 43), REMOTE_ADDR="192.0.2.1")
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.content.decode()
    assert blocked["Retry-After"] == "600"
    # A real link still works from that address (many people may share it), and others go on.
    assert client.get(url(token), REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(url("y" * 43), REMOTE_ADDR="192.0.2.2").status_code == 404
    with time_machine.travel(timedelta(minutes=11)):
        assert client.get(url("x" * 43), REMOTE_ADDR="192.0.2.1").status_code == 404


def test_valid_links_are_not_counted_as_wrong(client, issued):
    _, token = issued
    for _ in range(WRONG_TOKEN_LIMIT + 5):
        assert client.get(url(token), REMOTE_ADDR="192.0.2.9").status_code == 200


def test_refusals_are_logged_without_the_token(client, issued, caplog):
    _, token = issued
    post(client, token)
    with caplog.at_level(logging.INFO):
        client.get(url(token))
        client.get(url("u" * 43))
        client.get(f"/sign/{token}/anything")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/sign/[redacted]" in logged
    assert token not in logged and "u" * 43 not in logged
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_request_logs_are_redacted():
    for name in ("django.server", "django.request", "gunicorn.access"):
        record = logging.getLogger(name).makeRecord(
            name, logging.INFO, __file__, 1, '"%s" %s %s',
            ("GET /sign/abcDEF_123-xyz HTTP/1.1", "200", "512"), None)
        assert record.getMessage() == '"GET /sign/[redacted] HTTP/1.1" 200 512'
