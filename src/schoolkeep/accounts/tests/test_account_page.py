"""The account page, API tokens made there, and the security headers of account pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from tests.factories import MembershipFactory, UserFactory

from schoolkeep.accounts.models import ApiToken
from schoolkeep.accounts.services import token_create
from schoolkeep.lib.crypto import token_hash
from schoolkeep.tenancy.roles import Role

ACCOUNT = reverse("accounts:account")
CREATE = reverse("accounts:token-create")


def test_account_page_shows_person_schools_roles_and_links(client, login, personas):
    login(personas.siro)
    response = client.get(ACCOUNT)
    html = response.content.decode()
    assert response.status_code == 200
    assert personas.siro.email in html
    assert personas.siro.full_name in html
    assert "Oakfield Primary" in html
    assert "Senior Information Risk Owner (SIRO)" in html
    assert reverse("mfa_index") in html
    assert reverse("usersessions_list") in html
    assert CREATE in html
    assert "Hillside" not in html


def test_token_is_shown_once_and_only_its_hash_kept(client, login, personas):
    login(personas.dpo)
    response = client.post(CREATE, {"name": "Spreadsheet", "days": "30"})
    assert response.status_code == 200
    secret = re.search(r'value="(sk_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=personas.dpo)
    assert token.token_hash == token_hash(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert not token.read_only
    page = client.get(ACCOUNT).content.decode()
    assert "Spreadsheet" in page
    assert secret not in page
    assert token.prefix in page


def test_token_form_errors_name_the_field(client, login, personas):
    login(personas.dpo)
    response = client.post(CREATE, {"name": "x", "days": "400"})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not ApiToken.objects.exists()


def test_privileged_member_needs_two_factor_to_create_a_token(client, login, personas):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=personas.dpo).delete()
    login(personas.dpo)
    # The two-factor gate sends them to enrolment before they can even see the form.
    assert client.post(CREATE, {"name": "x", "days": "30"})["Location"] == reverse(
        "accounts:mfa-required")
    assert not ApiToken.objects.exists()


def test_token_service_refuses_privileged_member_without_two_factor(personas):
    from schoolkeep.lib.errors import NotAllowed

    user = UserFactory()
    MembershipFactory(user=user, school=personas.school, roles=[Role.IAO])
    with pytest.raises(NotAllowed, match="two-factor"):
        token_create(user=user, name="x", actor=user)


def test_staff_creates_a_read_only_token(client, login, personas):
    login(personas.staff)
    response = client.post(CREATE, {"name": "Reader", "days": "90", "read_only": "on"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=personas.staff).read_only


def test_member_revokes_own_token_but_not_anothers(client, login, personas):
    mine, _ = token_create(user=personas.staff, name="mine")
    theirs, _ = token_create(user=personas.dpo, name="theirs")
    login(personas.staff)
    assert client.post(reverse("accounts:token-revoke", args=[theirs.public_id])).status_code == 404
    response = client.post(reverse("accounts:token-revoke", args=[mine.public_id]))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None
    assert client.get(reverse("accounts:token-revoke", args=[mine.public_id])).status_code == 405


def test_account_page_needs_sign_in(client, db):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_calendar_feed_section_appears_on_the_account_page(client, login, personas):
    login(personas.staff)
    response = client.get(ACCOUNT)
    assert response.context["calendar_feed_enabled"] is True
    assert "duties/_calendar_feed.html" in [t.name for t in response.templates]


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce, csp
    assert "'unsafe-inline'" not in csp
    assert "default-src 'self'" in csp
    html = response.content.decode()
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or f'nonce="{nonce.group(1)}"' in script, script
    assert " style=" not in html
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_security_headers_on_login_page(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("url_name", ["accounts:account", "accounts:token-create",
                                      "accounts:lockout-list", "accounts:mfa-required"])
def test_security_headers_on_account_pages(client, login, personas, url_name):
    login(personas.siro)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_security_headers(response)


def test_security_headers_on_lockout_page(client, personas):
    for _ in range(10):
        response = client.post(reverse("account_login"),
                               {"login": personas.staff.email, "password": "wrong-wrong"})
    assert response.status_code == 429
    assert_security_headers(response)
