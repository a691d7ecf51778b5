"""Sign-in with allauth: password then TOTP, session key rotation, and what is audited."""

from __future__ import annotations

import logging

from django.urls import reverse
from tests.factories import PASSWORD

from schoolkeep.accounts.tests.helpers import post_password, sign_in, totp_code
from schoolkeep.audit.models import AuditEvent


def test_login_asks_for_totp_after_the_password(client, personas):
    response = post_password(client, personas.siro.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.siro.pk)


def test_staff_without_two_factor_signs_in_with_password_alone(client, personas):
    response = post_password(client, personas.staff.email)
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.session["_auth_user_id"] == str(personas.staff.pk)


def test_email_is_matched_whatever_its_case(client, personas):
    response = post_password(client, personas.staff.email.upper())
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.staff.pk)


def test_session_key_changes_at_login(client, personas):
    client.get(reverse("account_login"))
    post_password(client, personas.siro.email)  # the pending login lives in the session
    before = client.session.session_key
    assert before
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    after = client.session.session_key
    assert client.session["_auth_user_id"] == str(personas.siro.pk)
    assert after != before


def test_login_and_failure_are_audited_without_the_password(client, personas):
    post_password(client, personas.staff.email, "not-the-password")
    failed = AuditEvent.objects.get(action="accounts.login.failed")
    assert failed.target_id == str(personas.staff.public_id)
    assert "not-the-password" not in str(failed.changes) + failed.target_label
    sign_in(client, personas.staff.email, secret=None)
    assert AuditEvent.objects.filter(action="accounts.login.succeeded",
                                     actor=personas.staff).exists()


def test_failed_login_logs_neither_password_nor_email(client, personas, caplog):
    caplog.set_level(logging.INFO)  # the production root level
    for _ in range(10):  # up to and including the lockout
        post_password(client, personas.staff.email, "Wrong-Password-123")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert any(record.name.startswith("axes") for record in caplog.records)  # logs were seen
    assert "Wrong-Password-123" not in text
    assert personas.staff.email not in text.lower()
    assert PASSWORD not in text


def test_wrong_codes_are_limited_and_audited(client, personas):
    post_password(client, personas.siro.email)
    for _ in range(10):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
    # The eleventh try is refused even with the right code: guessing codes does not pay.
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"Too many failed" in response.content
    assert AuditEvent.objects.filter(action="accounts.mfa.failed",
                                     target_id=str(personas.siro.public_id)).count() == 10


def test_a_right_code_clears_the_count_of_wrong_ones(client, personas):
    post_password(client, personas.siro.email)
    for _ in range(9):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.siro.pk)
