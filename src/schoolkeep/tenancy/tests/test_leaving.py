"""A membership ends on the leaving date: the school stops opening on that day (pages and
API tokens, one query still), and the tick marks the membership inactive and, when no
membership of any school remains, ends the sessions and revokes the tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory
from tests.personas import Personas

from schoolkeep.accounts.models import ApiToken
from schoolkeep.accounts.services import token_create
from schoolkeep.audit.actions import action_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.duties.scheduler import registered_ticks
from schoolkeep.people import hooks, services
from schoolkeep.people.models import Person
from schoolkeep.tenancy.leaving import ENDED, TICK_NAME, memberships_end_on_leaving
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.selectors import user_access


@pytest.fixture(autouse=True)
def no_person_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about tenancy: the checklists other apps start are not run."""
    monkeypatch.setattr(hooks, "_hooks", [])


def person_for(user: Any, school: Any, leaving_date: date | None) -> Person:
    person = services.person_create(school=school, actor=None, full_name=user.full_name,
                                    kind="support", leaving_date=leaving_date)
    Person.objects.filter(pk=person.pk).update(user=user)
    return person


def signed_in_session(user: Any) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def schools_of(user: Any) -> list[Any]:
    return [access.school for access in user_access(user).schools]


def membership(user: Any, school: Any) -> Membership:
    return Membership.objects.get(user=user, school=school)


def api_get(client: Any, secret: str, school: Any) -> int:
    response = client.get(reverse("api:person-list"), {"school": school.slug},
                          HTTP_AUTHORIZATION=f"Bearer {secret}")
    return int(response.status_code)


# ---------------------------------------------------------------- checked on each request


def test_the_day_before_the_leaving_date_nothing_changes(personas: Personas, client):
    user = personas.staff
    person_for(user, personas.school, timezone.localdate() + timedelta(days=1))
    _, secret = token_create(user=user, name="script")
    session_key = signed_in_session(user)
    assert schools_of(user) == [personas.school]
    assert api_get(client, secret, personas.school) == 200
    assert memberships_end_on_leaving() == 0
    assert membership(user, personas.school).is_active
    assert SessionStore().exists(session_key)
    assert not AuditEvent.objects.filter(action=ENDED).exists()


def test_from_the_leaving_date_the_school_does_not_open_even_before_the_tick(
        personas: Personas, client, login):
    user = personas.hr_admin
    person_for(user, personas.school, timezone.localdate())
    _, secret = token_create(user=user, name="script")
    assert schools_of(user) == []
    assert membership(user, personas.school).is_active  # the tick has not run yet
    assert api_get(client, secret, personas.school) == 404  # the token's school scoping
    page = login(user).get(reverse("tenancy:key-contacts"))
    assert page.status_code == 302
    assert page.url == reverse("tenancy:no-school")


def test_the_leaving_date_is_a_day_in_london(personas: Personas):
    user = personas.staff
    person_for(user, personas.school, date(2026, 7, 17))
    with time_machine.travel(datetime(2026, 7, 16, 22, 59, tzinfo=UTC), tick=False):
        assert schools_of(user) == [personas.school]  # 23:59 on the 16th in London
    with time_machine.travel(datetime(2026, 7, 16, 23, 1, tzinfo=UTC), tick=False):
        assert schools_of(user) == []  # 00:01 on the 17th in London (summer time)
        assert memberships_end_on_leaving(timezone.now()) == 1


def test_user_access_is_still_one_query(personas: Personas, django_assert_num_queries):
    user = personas.dpo
    MembershipFactory(user=user, school=personas.other_school, roles=["dpo"])
    with django_assert_num_queries(1):
        assert len(user_access(user).schools) == 2
    person_for(user, personas.school, timezone.localdate() - timedelta(days=3))
    with django_assert_num_queries(1):
        assert schools_of(user) == [personas.other_school]


def test_a_trust_administrator_keeps_the_trust_schools(personas: Personas):
    user = personas.trust_admin
    MembershipFactory(user=user, school=personas.school, roles=["staff"])
    person_for(user, personas.school, timezone.localdate())
    (access,) = [a for a in user_access(user).schools if a.school == personas.school]
    assert access.via_trust  # no longer as a member: as the trust's administrator


# ---------------------------------------------------------------- the tick


def test_on_the_day_the_tick_ends_membership_sessions_and_tokens(personas: Personas, client):
    user = personas.it_lead
    person_for(user, personas.school, timezone.localdate())
    token, secret = token_create(user=user, name="backup script")
    session_key = signed_in_session(user)

    assert memberships_end_on_leaving() == 1

    ended = membership(user, personas.school)
    token.refresh_from_db()
    user.refresh_from_db()
    assert not ended.is_active
    assert token.revoked_at is not None
    assert not SessionStore().exists(session_key)
    assert api_get(client, secret, personas.school) == 401
    (event,) = AuditEvent.objects.filter(action=ENDED)
    assert event.actor_id is None
    assert event.school_id == personas.school.pk
    changes = open_event(event).changes  # sealed: the subject is a person (audit.sealing)
    assert changes["is_active"] == {"before": True, "after": False}
    assert changes["leaving_date"] == timezone.localdate().isoformat()
    assert action_label(ENDED) == "Membership ended on the leaving date"
    assert AuditEvent.objects.filter(action="accounts.token.revoked", actor_id=None,
                                     school_id=personas.school.pk).count() == 1
    assert AuditEvent.objects.filter(action="accounts.user.sessions_ended").count() == 1
    assert memberships_end_on_leaving() == 0  # again: nothing more to do


def test_someone_serving_another_school_keeps_sessions_and_tokens(personas: Personas, client):
    user = personas.dpo
    MembershipFactory(user=user, school=personas.other_school, roles=["dpo"])
    person_for(user, personas.school, timezone.localdate() - timedelta(days=1))
    person_for(user, personas.other_school, None)
    token, secret = token_create(user=user, name="reports")
    session_key = signed_in_session(user)

    assert memberships_end_on_leaving() == 1

    token.refresh_from_db()
    assert not membership(user, personas.school).is_active
    assert membership(user, personas.other_school).is_active
    assert token.revoked_at is None
    assert SessionStore().exists(session_key)
    assert api_get(client, secret, personas.school) == 404
    assert api_get(client, secret, personas.other_school) == 200
    assert not AuditEvent.objects.filter(action="accounts.token.revoked").exists()


def test_leaving_the_second_school_too_ends_everything(personas: Personas):
    user = personas.dpo
    MembershipFactory(user=user, school=personas.other_school, roles=["dpo"])
    person_for(user, personas.school, timezone.localdate() - timedelta(days=1))
    other = person_for(user, personas.other_school, timezone.localdate() + timedelta(days=1))
    token, _ = token_create(user=user, name="reports")
    assert memberships_end_on_leaving() == 1
    token.refresh_from_db()
    assert token.revoked_at is None
    Person.objects.filter(pk=other.pk).update(leaving_date=timezone.localdate())
    assert memberships_end_on_leaving() == 1
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not Membership.objects.filter(user=user, is_active=True).exists()


def test_a_trust_administrator_who_leaves_a_school_keeps_sessions(personas: Personas):
    user = personas.trust_admin
    MembershipFactory(user=user, school=personas.school, roles=["staff"])
    person_for(user, personas.school, timezone.localdate())
    token, _ = token_create(user=user, name="trust reports")
    assert memberships_end_on_leaving() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_person_without_an_account_or_not_yet_due_is_left_alone(personas: Personas):
    services.person_create(school=personas.school, actor=None, full_name="No Account",
                           kind="support", leaving_date=timezone.localdate())
    person_for(personas.staff, personas.school, timezone.localdate() + timedelta(days=30))
    assert memberships_end_on_leaving() == 0
    assert Membership.objects.filter(is_active=False).count() == 0


def test_the_tick_is_registered(db):
    assert registered_ticks()[TICK_NAME] is memberships_end_on_leaving


def test_tokens_already_revoked_stay_as_they_were(personas: Personas):
    user = personas.staff
    person_for(user, personas.school, timezone.localdate())
    token, _ = token_create(user=user, name="old")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now() - timedelta(days=5))
    assert memberships_end_on_leaving() == 1
    assert not AuditEvent.objects.filter(action="accounts.token.revoked").exists()
