"""Helpers for tests that sign in the way a person does: password, then the TOTP code."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse
from tests.factories import PASSWORD
from tests.personas import TOTP_SECRET


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def post_password(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse("account_login"), {"login": email, "password": password},
                       **extra)


def sign_in(client: Client, email: str, *, secret: str | None = TOTP_SECRET,
            password: str = PASSWORD) -> None:
    """Password, then (when ``secret``) the second factor; asserts that it worked."""
    response = post_password(client, email, password)
    assert response.status_code == 302, response.content[:500]
    if secret is not None:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302, response.content[:500]
    assert "_auth_user_id" in client.session
