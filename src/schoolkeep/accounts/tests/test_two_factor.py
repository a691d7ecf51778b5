"""Two-factor is required for every role but plain staff; TOTP secrets are encrypted."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.usersessions.models import UserSession
from django.urls import reverse
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.personas import TOTP_SECRET

from schoolkeep.accounts.tests.helpers import sign_in, totp_code
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.crypto import decrypt_text
from schoolkeep.tenancy.roles import Role

MFA_REQUIRED = reverse("accounts:mfa-required")


@pytest.fixture
def dpo_without_mfa(personas):
    user = UserFactory(email="new-dpo@oakfield.example", full_name="New DPO")
    MembershipFactory(user=user, school=personas.school, roles=[Role.DPO])
    return user


@pytest.mark.parametrize("url_name", ["accounts:account", "accounts:token-create",
                                      "accounts:lockout-list", "usersessions_list"])
def test_privileged_without_two_factor_is_sent_to_enrolment(client, login, dpo_without_mfa,
                                                            url_name):
    login(dpo_without_mfa)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == MFA_REQUIRED


def test_privileged_without_two_factor_reaches_enrolment_and_logout(client, login,
                                                                    dpo_without_mfa):
    login(dpo_without_mfa)
    page = client.get(MFA_REQUIRED)
    assert page.status_code == 200
    assert reverse("mfa_activate_totp").encode() in page.content
    # allauth's enrolment pages are reachable (they may first ask for the password again).
    for name in ("mfa_activate_totp", "mfa_index"):
        response = client.get(reverse(name))
        assert response.get("Location") != MFA_REQUIRED, name
    assert client.get(reverse("accounts:session-status")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_privileged_with_two_factor_is_not_held_back(client, login, personas):
    login(personas.dpo)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_staff_without_two_factor_is_fine(client, login, personas):
    login(personas.staff)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_school_may_require_two_factor_of_everyone(client, login, personas):
    personas.school.require_mfa_for_all = True
    personas.school.save(update_fields=["require_mfa_for_all"])
    login(personas.staff)
    response = client.get(reverse("accounts:account"))
    assert response["Location"] == MFA_REQUIRED


def test_totp_secret_is_stored_encrypted(personas):
    authenticator = Authenticator.objects.get(user=personas.siro, type=Authenticator.Type.TOTP)
    stored = authenticator.data["secret"]
    assert TOTP_SECRET not in stored
    assert decrypt_text(stored) == TOTP_SECRET
    assert authenticator.wrap().validate_code(totp_code())


def test_enrolling_rotates_the_session_key_and_opens_the_site(
    transactional_db, client, dpo_without_mfa
):
    # Transactional: allauth sends authenticator_added on commit, inside the request.
    sign_in(client, dpo_without_mfa.email, secret=None)  # no authenticator yet
    assert client.get(reverse("accounts:account"))["Location"] == MFA_REQUIRED
    # allauth asks for the password again before a new authenticator is added.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    before = client.session.session_key
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=dpo_without_mfa,
                                        type=Authenticator.Type.TOTP).exists()
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(dpo_without_mfa.pk)
    # allauth's list of the user's sessions follows the new key.
    assert list(UserSession.objects.filter(user=dpo_without_mfa)
                .values_list("session_key", flat=True)) == [client.session.session_key]
    assert AuditEvent.objects.filter(action="accounts.mfa.added", actor=dpo_without_mfa).exists()
    stored = Authenticator.objects.get(user=dpo_without_mfa, type=Authenticator.Type.TOTP)
    assert secret not in stored.data["secret"]
    assert client.get(reverse("accounts:account")).status_code == 200


def _view_names(patterns, namespace=""):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _view_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_name_on_the_enrolment_allow_list_is_a_real_page(db):
    from django.urls import get_resolver

    from schoolkeep.accounts.middleware import MFA_ALLOWED_VIEW_NAMES

    names = set(_view_names(get_resolver().url_patterns))
    assert names >= MFA_ALLOWED_VIEW_NAMES, MFA_ALLOWED_VIEW_NAMES - names
    assert any(name.startswith("mfa_") for name in names)
