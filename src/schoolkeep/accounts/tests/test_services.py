"""Account services: creating users, ending sessions, deactivating, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.accounts.services import (
    TOKEN_PREFIX,
    token_create,
    token_revoke,
    user_create,
    user_deactivate_account,
    user_end_sessions,
)
from schoolkeep.accounts.tests.helpers import post_password, sign_in
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError


def test_user_create_normalises_and_can_sign_in(client, db):
    user = user_create(email="  Head@Example.ORG ", full_name=" Pat Head ",
                       password="a-long-unusual-passphrase")
    assert user.email == "head@example.org"
    assert user.full_name == "Pat Head"
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and address.email == "head@example.org"
    assert AuditEvent.objects.filter(action="accounts.user.created",
                                     target_id=str(user.public_id)).exists()
    event = AuditEvent.objects.get(action="accounts.user.created")
    assert "a-long-unusual-passphrase" not in str(event.changes)
    sign_in(client, "HEAD@example.org", secret=None, password="a-long-unusual-passphrase")


def test_user_create_without_password_cannot_sign_in(client, db):
    user = user_create(email="new@example.org", full_name="New Person")
    assert not user.has_usable_password()
    assert post_password(client, "new@example.org", "").status_code == 200


@pytest.mark.parametrize("password", ["short", "password1234", "1234567890123"])
def test_user_create_validates_the_password(db, password):
    with pytest.raises(DomainError) as caught:
        user_create(email="a@example.org", full_name="A", password=password)
    assert caught.value.field == "password"
    assert not User.objects.exists()


def test_user_create_refuses_a_second_account_for_an_address(db):
    user_create(email="a@example.org", full_name="A")
    with pytest.raises(DomainError) as caught:
        user_create(email="A@EXAMPLE.org", full_name="B")
    assert caught.value.field == "email"


def test_user_create_refuses_a_bad_address(db):
    with pytest.raises(DomainError) as caught:
        user_create(email="not-an-address", full_name="B")
    assert caught.value.field == "email"


def test_user_end_sessions_ends_every_session(personas):
    browsers = [Client(), Client()]
    for browser in browsers:
        sign_in(browser, personas.staff.email, secret=None)
    other = Client()
    sign_in(other, personas.governor.email)
    assert user_end_sessions(user=personas.staff) == 2
    for browser in browsers:
        assert browser.get(reverse("accounts:account")).status_code == 302
    assert other.get(reverse("accounts:account")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user.sessions_ended").exists()


def test_user_end_sessions_finds_untracked_sessions(personas):
    browser = Client()
    browser.force_login(personas.staff,
                        backend="allauth.account.auth_backends.AuthenticationBackend")
    from allauth.usersessions.models import UserSession

    UserSession.objects.all().delete()  # as if begun before sessions were tracked
    assert user_end_sessions(user=personas.staff) == 1
    assert not Session.objects.exists()


def test_deactivating_revokes_tokens_and_ends_sessions(personas):
    browser = Client()
    sign_in(browser, personas.staff.email, secret=None)
    token, secret = token_create(user=personas.staff, name="sync")
    user_deactivate_account(user=personas.staff, actor=personas.siro, school=personas.school)
    personas.staff.refresh_from_db()
    token.refresh_from_db()
    assert not personas.staff.is_active
    assert token.revoked_at is not None
    assert browser.get(reverse("accounts:account")).status_code == 302
    api = Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
    assert AuditEvent.objects.filter(action="accounts.user.deactivated",
                                     school=personas.school, actor=personas.siro).exists()
    assert AuditEvent.objects.filter(action="accounts.token.revoked").count() == 1


def test_token_create_stores_only_a_hash(personas):
    token, secret = token_create(user=personas.staff, name="sync")
    assert secret.startswith(TOKEN_PREFIX)
    assert len(secret) >= len(TOKEN_PREFIX) + 43  # 256 bits in URL-safe base64
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in str(row)
    assert token.prefix == secret[:10]
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    event = AuditEvent.objects.get(action="accounts.token.created")
    assert secret not in str(event.changes)
    assert token.token_hash not in str(event.changes)


@pytest.mark.parametrize("days", [0, 366, -1])
def test_token_days_must_be_between_1_and_365(personas, days):
    with pytest.raises(DomainError) as caught:
        token_create(user=personas.staff, name="x", days=days)
    assert caught.value.field == "days"


def test_token_needs_a_name(personas):
    with pytest.raises(DomainError) as caught:
        token_create(user=personas.staff, name="  ")
    assert caught.value.field == "name"


def test_token_revoke_twice_is_refused(personas):
    token, _ = token_create(user=personas.staff, name="x")
    token_revoke(token=token, actor=personas.staff)
    with pytest.raises(DomainError):
        token_revoke(token=token, actor=personas.staff)
