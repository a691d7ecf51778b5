"""Helpers that raise real foundation duties for the duties tests."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from tests.factories import MembershipFactory, UserFactory
from tests.personas import enrol_totp

from schoolkeep.accounts.models import User
from schoolkeep.lib.crypto import token_hash
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import Invitation, Membership, School, Term


def make_member(
    school: School,
    roles: list[str],
    *,
    mfa: bool = False,
    created_at: datetime | None = None,
    **user_fields: Any,
) -> User:
    user = UserFactory(**user_fields)
    membership = MembershipFactory(user=user, school=school, roles=roles)
    if created_at is not None:
        Membership.objects.filter(pk=membership.pk).update(created_at=created_at)
    if mfa:
        enrol_totp(user)
    return user


def make_invitation(school: School, *, expires_at: datetime, **fields: Any) -> Invitation:
    return Invitation.objects.create(
        school=school,
        email=fields.pop("email", f"new{secrets.token_hex(3)}@example.org"),
        roles=["staff"],
        token_hash=token_hash(secrets.token_urlsafe(16)),
        invited_by_label="SIRO Person",
        expires_at=expires_at,
        **fields,
    )


def lock_account(username: str, *, failures: int = 10, when: datetime | None = None,
                 ip: str = "192.0.2.1", agent: str = "browser") -> AccessAttempt:
    attempt = AccessAttempt.objects.create(
        username=username, ip_address=ip, user_agent=agent, failures_since_start=failures,
        get_data="", post_data="", http_accept="", path_info="/accounts/login/",
    )
    if when is not None:
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=when)
    return attempt


def confirm_terms(*, year: int, school: School | None = None, organisation: Any = None) -> None:
    for name, (starts_on, ends_on) in default_term_dates(year).items():
        Term.objects.create(school=school, organisation=organisation, academic_year=year,
                            name=name, starts_on=starts_on, ends_on=ends_on, estimated=False)


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def raise_duties() -> Callable[..., dict[str, int]]:
    """Give a school ``n`` of each kind of foundation duty (besides its term dates)."""

    def _raise(school: School, n: int, *, now: datetime | None = None) -> dict[str, int]:
        moment = now or timezone.now()
        for i in range(n):
            make_member(school, ["iao"], created_at=moment - timedelta(days=1 + (i % 10)))
            locked = make_member(school, ["staff"])
            lock_account(locked.email.upper(), when=moment - timedelta(minutes=1))
            make_invitation(school, expires_at=moment + timedelta(days=(i % 20) - 10))
        return {"n": n}

    return _raise
