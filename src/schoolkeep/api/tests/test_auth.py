"""Bearer tokens: /api/v1/me, expiry, revocation, read-only, two-factor, use tracking."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from ninja.errors import HttpError

from schoolkeep.accounts.models import ApiToken
from schoolkeep.accounts.services import token_create, token_revoke, user_deactivate_account
from schoolkeep.api.auth import TokenAuth
from schoolkeep.audit.models import AuditEvent

ME = reverse("api:me")


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_me_answers_with_the_users_schools_and_roles(client, personas):
    _, secret = token_create(user=personas.siro, name="t")
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "email": "siro@oakfield.example",
        "full_name": personas.siro.full_name,
        "schools": [{"slug": "oakfield", "name": "Oakfield Primary", "roles": ["siro"]}],
    }


def test_trust_admin_sees_trust_schools(client, personas):
    _, secret = token_create(user=personas.trust_admin, name="t")
    body = client.get(ME, **bearer(secret)).json()
    assert body["schools"] == [{"slug": "oakfield", "name": "Oakfield Primary",
                                "roles": ["trust_admin"]}]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer sk_nonsense", "Basic abc",
                                    "Token sk_x", "Bearer " + "sk_" + "a" * 300])
def test_me_without_a_valid_token_is_401(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(ME, **extra)
    assert response.status_code == 401
    assert response.json() == {"detail": "A valid API token is required."}
    assert response["WWW-Authenticate"] == "Bearer"


def test_session_login_is_not_enough(client, login, personas):
    login(personas.staff)
    assert client.get(ME).status_code == 401


def test_expired_token_is_refused(client, personas):
    _, secret = token_create(user=personas.staff, name="t", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert client.get(ME, **bearer(secret)).status_code == 401
    assert client.get(ME, **bearer(secret)).status_code == 200


def test_revoked_token_is_refused(client, personas):
    token, secret = token_create(user=personas.staff, name="t")
    token_revoke(token=token, actor=personas.staff)
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_token_dies_with_the_account(client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    assert client.get(ME, **bearer(secret)).status_code == 200
    user_deactivate_account(user=personas.staff, actor=personas.siro)
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_inactive_user_is_refused_even_with_unrevoked_token(client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    type(personas.staff).objects.filter(pk=personas.staff.pk).update(is_active=False)
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_privileged_user_whose_authenticator_was_removed_gets_403(client, personas):
    _, secret = token_create(user=personas.dpo, name="t")
    Authenticator.objects.filter(user=personas.dpo).delete()
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_staff_token_works_without_two_factor(client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    assert client.get(ME, **bearer(secret)).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_token_gets_403_on_writes(personas, method):
    _, secret = token_create(user=personas.staff, name="t", read_only=True)
    request = getattr(RequestFactory(), method)("/api/v1/anything", **bearer(secret))
    with pytest.raises(HttpError) as caught:
        TokenAuth()(request)
    assert caught.value.status_code == 403


def test_read_write_token_may_write_and_read_only_may_read(personas):
    _, writer = token_create(user=personas.staff, name="w")
    _, reader = token_create(user=personas.staff, name="r", read_only=True)
    assert TokenAuth()(RequestFactory().post("/api/v1/x", **bearer(writer))) is not None
    assert TokenAuth()(RequestFactory().get("/api/v1/x", **bearer(reader))) is not None


def test_last_used_once_a_minute_and_use_audited_once_an_hour(client, personas):
    token, secret = token_create(user=personas.staff, name="t")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.get(ME, **bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at == start
        clock.shift(timedelta(seconds=30))
        client.get(ME, **bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at == start
        clock.shift(timedelta(seconds=31))
        client.get(ME, **bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at == start + timedelta(seconds=61)
        assert AuditEvent.objects.filter(action="accounts.token.used").count() == 1
        clock.shift(timedelta(hours=1))
        client.get(ME, **bearer(secret))
    events = AuditEvent.objects.filter(action="accounts.token.used")
    assert events.count() == 2
    assert {e.actor_id for e in events} == {personas.staff.pk}
    assert {e.target_id for e in events} == {str(token.public_id)}


def test_me_query_count_does_not_grow_with_schools(client, personas,
                                                  django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tests.factories import MembershipFactory

    _, secret = token_create(user=personas.staff, name="t")
    client.get(ME, **bearer(secret))  # the first use writes last_used_at and an audit event
    with CaptureQueriesContext(connection) as one_school:
        client.get(ME, **bearer(secret))
    for _ in range(3):
        MembershipFactory(user=personas.staff, roles=["staff"])
    with django_assert_num_queries(len(one_school)):
        response = client.get(ME, **bearer(secret))
    assert len(response.json()["schools"]) == 4


def test_token_lookup_uses_the_hash(personas):
    token, secret = token_create(user=personas.staff, name="t")
    assert ApiToken.objects.filter(token_hash=secret).count() == 0
    assert TokenAuth().authenticate(RequestFactory().get("/"), secret) == token
