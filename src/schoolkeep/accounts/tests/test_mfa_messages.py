"""The banner after recovery codes are made says the right thing: with a member's first
authenticator there were no old codes; made again on their own page, the old ones stop
working."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from schoolkeep.accounts.tests.helpers import sign_in, totp_code
from schoolkeep.tenancy.roles import Role

OLD_ONES = "The old ones no longer work"


@pytest.fixture
def dpo_without_mfa(personas):
    user = UserFactory(email="first-codes@oakfield.example", full_name="First Codes")
    MembershipFactory(user=user, school=personas.school, roles=[Role.DPO])
    return user


def test_first_codes_then_new_codes(transactional_db, client, dpo_without_mfa) -> None:
    # Transactional: allauth adds its messages on commit, inside the request.
    sign_in(client, dpo_without_mfa.email, secret=None)
    client.get(reverse("mfa_activate_totp"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    page = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert "Your recovery codes are ready" in html
    assert OLD_ONES not in html

    page = client.post(reverse("mfa_generate_recovery_codes"), follow=True)
    html = page.content.decode()
    assert "New recovery codes have been created. The old ones no longer work." in html
    assert "Your recovery codes are ready" not in html
