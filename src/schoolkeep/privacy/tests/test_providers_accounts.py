"""The accounts provider: a leaver's user loses this school's membership, tokens and
sessions; anonymised (never deleted) when they belong nowhere else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.utils import timezone
from tests.factories import MembershipFactory, OrganisationMembershipFactory, SchoolFactory

from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.privacy.tests.providers_support import erase, is_member, make_person

pytestmark = pytest.mark.django_db


def _token(user: User) -> ApiToken:
    return ApiToken.objects.create(user=user, name="Sync", prefix="sk_abc",
                                   token_hash=f"hash-{user.pk}", created_by_label="x",
                                   expires_at=timezone.now() + timedelta(days=30))


def _session(user: User) -> None:
    Session.objects.create(session_key=f"key{user.pk}", session_data="x",
                           expire_date=timezone.now() + timedelta(days=1))
    UserSession.objects.create(user=user, session_key=f"key{user.pk}", ip="127.0.0.1",
                               user_agent="test")


def test_a_leaver_who_belongs_nowhere_else_is_anonymised_not_deleted(personas) -> None:
    person = make_person(personas.school)
    user = person.user
    _token(user)
    _session(user)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    other = make_person(personas.school, name="Kept Colleague", email="kept@oakfield.example")
    _token(other.user)

    assert erase("accounts", personas.school, person) > 0

    user.refresh_from_db()
    assert user.full_name == "" and user.email.endswith("@erased.invalid")
    assert "quince" not in user.email
    assert not user.is_active and not user.has_usable_password()
    assert not is_member(user, personas.school)
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key=f"key{user.pk}").exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    # Everyone else is untouched.
    other.user.refresh_from_db()
    assert other.user.full_name == "Kept Colleague" and is_member(other.user, personas.school)
    assert ApiToken.objects.filter(user=other.user).exists()


def test_a_user_who_works_at_another_school_only_loses_this_one(personas) -> None:
    person = make_person(personas.school)
    user = person.user
    MembershipFactory(user=user, school=personas.other_school, roles=[])
    _token(user)
    _session(user)

    erase("accounts", personas.school, person)

    user.refresh_from_db()
    assert user.full_name == "Bartholomew Quince" and user.is_active
    assert not is_member(user, personas.school)
    assert is_member(user, personas.other_school)
    # Still working at the other school: their API tokens and sign-ins stay.
    assert ApiToken.objects.filter(user=user).exists()
    assert Session.objects.filter(session_key=f"key{user.pk}").exists()
    assert UserSession.objects.filter(user=user).exists()


def test_a_trust_administrator_keeps_their_tokens_and_sessions(personas) -> None:
    person = make_person(personas.school)
    OrganisationMembershipFactory(user=person.user, organisation=personas.school.organisation)
    _token(person.user)
    _session(person.user)
    erase("accounts", personas.school, person)
    assert ApiToken.objects.filter(user=person.user).exists()
    assert UserSession.objects.filter(user=person.user).exists()


def test_a_trust_administrator_keeps_their_account(personas) -> None:
    person = make_person(personas.school)
    OrganisationMembershipFactory(user=person.user, organisation=personas.school.organisation)
    erase("accounts", personas.school, person)
    person.user.refresh_from_db()
    assert person.user.email == "b.quince@oakfield.example"


def test_a_person_without_an_account_changes_nothing(personas) -> None:
    person = make_person(SchoolFactory(), with_user=False)
    assert erase("accounts", person.school, person) == 0
