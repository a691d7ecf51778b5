"""Shared makers for the providers' tests: a person of a school with a user account, and
minimal rows of each app made directly (these tests are about erasure, not the services)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone
from tests.factories import MembershipFactory, UserFactory

from schoolkeep.accounts.models import User
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.erasure.registry import provider
from schoolkeep.tenancy.models import Membership

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
LEAVER_NAME = "Bartholomew Quince"
LEAVER_EMAIL = "b.quince@oakfield.example"


def make_person(school: Any, *, name: str = LEAVER_NAME, email: str = LEAVER_EMAIL,
                with_user: bool = True, left: date | None = None) -> Person:
    """A person of ``school`` (a leaver when ``left``), with a member's user of the same
    name and e-mail when ``with_user``."""
    user = None
    if with_user:
        user = UserFactory(email=email, full_name=name)
        MembershipFactory(user=user, school=school, roles=[])
    return Person.objects.create(
        school=school, full_name=name, name_key=name.lower(), email=email,
        kind=PersonKind.SUPPORT, leaving_date=left, user=user)


def erase(name: str, school: Any, person: Person) -> int:
    """Run one provider's erase_person_data for one person."""
    found = provider(name)
    assert found is not None, f"no provider {name!r}"
    return found.erase_person_data(school, [person.pk], now=NOW)


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def is_member(user: User, school: Any) -> bool:
    return Membership.objects.filter(user=user, school=school).exists()
