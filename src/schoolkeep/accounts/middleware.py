"""Session limits (idle timeout, 12-hour lifetime) and required two-factor enrolment."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

LAST_ACTIVITY = "schoolkeep_last_activity"
SIGNED_IN_AT = "schoolkeep_signed_in_at"

# Paths a privileged user without two-factor may still reach.
MFA_ALLOWED_PREFIXES = (
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/login/",
    "/accounts/password/",
    "/account/session/",
    "/static/",
    "/healthz",
    "/api/",
    "/join/",
)
# Requests that must not count as activity (background polling).
PASSIVE_PATHS = ("/account/session/",)


def idle_timeout_seconds(request: HttpRequest) -> int:
    """The strictest idle timeout of the user's schools."""
    minutes = [access.school.idle_timeout_minutes for access in getattr(request, "access_list", [])]
    return 60 * (min(minutes) if minutes else settings.DEFAULT_IDLE_TIMEOUT_MINUTES)


class SessionLimitsMiddleware:
    """Signs out after the idle timeout or 12 hours after sign-in, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last = session.get(LAST_ACTIVITY, now)
            idle_limit = idle_timeout_seconds(request)
            if now - last > idle_limit or now - signed_in_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                if request.path.startswith(PASSIVE_PATHS):
                    return JsonResponse({"signed_in": False, "remaining_seconds": 0})
                messages.info(request, "You were signed out because the session was idle.")
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if not request.path.startswith(PASSIVE_PATHS):
                session[LAST_ACTIVITY] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A user whose role needs two-factor reaches nothing but enrolment until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(MFA_ALLOWED_PREFIXES)
            and needs_mfa_enrolment(request)
        ):
            return redirect("accounts:mfa-required")
        return self.get_response(request)


def needs_mfa_enrolment(request: HttpRequest) -> bool:
    from allauth.mfa.models import Authenticator

    if not any(access.needs_mfa for access in getattr(request, "access_list", [])):
        return False
    return not Authenticator.objects.filter(
        user=request.user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
