"""Sign-in lockout: django-axes' hooks (which account a login attempt is for, the page shown
when locked), and the count of attempts that closes axes' race.

allauth authenticates with ``authenticate(request, email=..., password=...)`` (its form's
field is ``login``), so the account is the ``email`` credential. It is lower-cased here so
that ``Head@School`` and ``head@school`` count as one account, as allauth treats them.

Why a second count. django-axes checks for a lockout, then the password is checked, then the
failure is recorded: three steps, so passwords posted at the same moment all passed the check
before any failure was recorded (a review's 30 wrong passwords at once were checked 19 times
against a limit of 10). The sign-in form therefore counts each attempt in the throttle table
before the password is checked, in the one atomic statement of ``throttles.throttle_hit``
(issue 12, finding 3's class), per account and client address as axes locks. The count's
window starts at the first attempt and lasts axes' cool-off, so whenever it refuses, axes
has already recorded the limit's failures within its own (longer) window: one at a time, the
count never refuses what axes would allow.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from schoolkeep.lib.crypto import keyed_hash
from schoolkeep.throttles.services import Throttle, throttle_hit, throttle_reset


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the e-mail address an attempt was for, lower-cased."""
    value: Any = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    elif request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("login") or data.get("email")
    if not value:
        return None
    return str(value).strip().lower()[:255]


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any,
                     **kwargs: Any) -> HttpResponse:
    minutes = math.ceil(float(settings.AXES_COOLOFF_TIME) * 60)
    response = TemplateResponse(
        request, "accounts/locked_out.html", {"minutes": minutes, "page_title": "Account locked"},
        status=429,
    )
    return response.render()


# --- Attempts counted before the password is checked ---------------------------------------


def sign_in_throttle() -> Throttle:
    """Axes' limit and cool-off, read when used (tests change them)."""
    return Throttle("sign-in", limit=settings.AXES_FAILURE_LIMIT,
                    window=timedelta(hours=float(settings.AXES_COOLOFF_TIME)))


def _account_page(email: str) -> str:
    # The account as a keyed hash: the table never holds e-mail addresses (and an address
    # may be longer than its page column).
    return keyed_hash(email.strip().lower(), purpose="schoolkeep.accounts.sign-in")[:40]


def sign_in_address(request: HttpRequest) -> str:
    """The client address as axes records it (so the SIRO's unlock finds the same count)."""
    return get_client_ip_address(request) or ""


def sign_in_attempt_allowed(*, email: str, address: str) -> bool:
    """Count one sign-in attempt for ``email`` from ``address``, and say in the same atomic
    step whether it is within the limit (False: refuse it without checking the password)."""
    return throttle_hit(throttle=sign_in_throttle(), address=address, page=_account_page(email))


def sign_in_attempts_reset(*, email: str, address: str) -> None:
    """Start the count again: a right password, or the SIRO unlocking the account."""
    throttle_reset(throttle=sign_in_throttle(), address=address, page=_account_page(email))
