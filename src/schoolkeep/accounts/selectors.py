"""Reads for accounts: two-factor status, API tokens and locked accounts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Min, Sum
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import Membership, School

# The kinds of authenticator that count as a second factor (recovery codes only back them up).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def user_has_mfa(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def user_needs_mfa(accesses: Iterable[SchoolAccess]) -> bool:
    """True when any of the user's roles, in any school, requires two-factor sign-in."""
    return any(access.needs_mfa for access in accesses)


def authenticator_types(user: Any) -> set[str]:
    return set(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))


def token_list_for_user(user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user_id=user.pk).order_by("-created_at"))


def token_list(*, email: str | None = None) -> list[ApiToken]:
    """Every token (or one user's), for the operator's ``schoolkeep token list``."""
    tokens = ApiToken.objects.select_related("user").order_by("user__email", "-created_at")
    if email:
        tokens = tokens.filter(user__email__iexact=email.strip())
    return list(tokens)


# --- Locked accounts (django-axes) ---------------------------------------------------------


def lockout_window_start(now: datetime | None = None) -> datetime:
    """Failures older than this no longer count (django-axes' cool-off)."""
    cool_off = timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return (now or timezone.now()) - cool_off


@dataclass(frozen=True)
class LockedAccount:
    attempt_id: int  # the first AccessAttempt row of this (account, address): the unlock handle
    email: str
    user: User | None
    ip_address: str
    failures: int
    last_attempt_at: datetime
    locked_until: datetime


def _locked_groups(emails: Sequence[str], now: datetime) -> list[dict[str, Any]]:
    """(account, address) pairs over the failure limit within the cool-off, one query."""
    if not emails:
        return []
    return list(
        AccessAttempt.objects.annotate(login=Lower("username"))
        .filter(login__in=emails, attempt_time__gte=lockout_window_start(now))
        .values("login", "ip_address")
        .annotate(
            failures=Sum("failures_since_start"),
            last_attempt_at=Max("attempt_time"),
            attempt_id=Min("id"),
        )
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt_at")
    )


def _member_emails(school: School) -> dict[str, User]:
    members = Membership.objects.filter(school=school, is_active=True).select_related("user")
    return {m.user.email.lower(): m.user for m in members}


def locked_accounts_for_school(
    school: School, *, now: datetime | None = None
) -> list[LockedAccount]:
    """Members of this school whose account is locked at some address (two queries)."""
    now = now or timezone.now()
    users = _member_emails(school)
    cool_off = timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return [
        LockedAccount(
            attempt_id=row["attempt_id"],
            email=row["login"],
            user=users.get(row["login"]),
            ip_address=row["ip_address"] or "",
            failures=row["failures"],
            last_attempt_at=row["last_attempt_at"],
            locked_until=row["last_attempt_at"] + cool_off,
        )
        for row in _locked_groups(list(users), now)
    ]


def locked_account_for_school(
    school: School, *, attempt_id: int, now: datetime | None = None
) -> tuple[AccessAttempt, LockedAccount]:
    """One locked account of a member of this school, by its handle; anything else is a 404."""
    for locked in locked_accounts_for_school(school, now=now):
        if locked.attempt_id == attempt_id:
            return AccessAttempt.objects.get(pk=attempt_id), locked
    raise Http404("Not found")


def locked_counts_per_school(
    school_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, int]:
    """How many member accounts are locked, per school (for the duties layer): two queries."""
    now = now or timezone.now()
    rows = Membership.objects.filter(school_id__in=school_ids, is_active=True).values_list(
        "school_id", Lower("user__email")
    )
    schools_by_email: dict[str, list[int]] = {}
    for school_id, email in rows:
        schools_by_email.setdefault(email, []).append(school_id)
    counts: dict[int, int] = dict.fromkeys(school_ids, 0)
    locked_emails = {row["login"] for row in _locked_groups(list(schools_by_email), now)}
    for email in locked_emails:
        for school_id in schools_by_email[email]:
            counts[school_id] += 1
    return counts
