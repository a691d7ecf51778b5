"""Session limits (idle timeout, 12-hour lifetime) and required two-factor enrolment.

Both run after ``CurrentSchoolMiddleware``: the idle timeout is the strictest of the user's
schools, and whether two-factor is required depends on their roles there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

LAST_ACTIVITY = "schoolkeep_last_activity"
SIGNED_IN_AT = "schoolkeep_signed_in_at"
# The last-activity stamp is written at most this often, to spare a session write per click.
ACTIVITY_GRANULARITY_SECONDS = 10

# What a user who must enrol in two-factor may still open: sign-in and sign-out, password
# pages, every page of allauth.mfa (enrolment and re-authentication), the page explaining
# why, the session poll, invitation links and the calendar feed (read by calendar apps).
MFA_ALLOWED_VIEW_NAMES = frozenset({
    "account_login",
    "account_logout",
    "account_reauthenticate",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "accounts:mfa-required",
    "accounts:session-status",
    "join:accept",
    "duties:calendar-feed",
    "healthz",
    "signing:sign",
    "signing:not-found",
})
MFA_ALLOWED_VIEW_PREFIXES = ("mfa_",)  # allauth.mfa's own pages
# Paths that never carry a signed-in page: static files, the token-authenticated API,
# personal signing links and password-change links, and the no-login "report a concern"
# page (whose tokens must not land in a sign-in page's ?next=).
UNGUARDED_PREFIXES = (settings.STATIC_URL, "/api/", "/sign/", "/passwords/link/",
                      "/housekeeping/link/", "/report/")


@lru_cache(maxsize=1)
def passive_paths() -> tuple[str, ...]:
    """Requests that do not count as activity (the page's background poll)."""
    return (reverse("accounts:session-status"),)


def idle_timeout_seconds(request: HttpRequest) -> int:
    """The strictest idle timeout of the user's schools."""
    minutes = [access.school.idle_timeout_minutes for access in getattr(request, "access_list", [])]
    return 60 * (min(minutes) if minutes else settings.DEFAULT_IDLE_TIMEOUT_MINUTES)


def remaining_seconds(request: HttpRequest, now: float | None = None) -> int:
    """Seconds until this session ends, by idle timeout or by its absolute lifetime."""
    now = time.time() if now is None else now
    session = request.session
    last = float(session.get(LAST_ACTIVITY, now))
    signed_in_at = float(session.get(SIGNED_IN_AT, now))
    idle_left = idle_timeout_seconds(request) - (now - last)
    lifetime_left = settings.SESSION_COOKIE_AGE - (now - signed_in_at)
    return max(0, int(min(idle_left, lifetime_left)))


def start_session_clock(request: HttpRequest) -> None:
    """Called at sign-in: the lifetime and the idle timer start now."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


class SessionLimitsMiddleware:
    """Signs out after the idle timeout or 12 hours after sign-in, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(UNGUARDED_PREFIXES):
            now = time.time()
            session = request.session
            if SIGNED_IN_AT not in session:  # a session begun before these limits existed
                start_session_clock(request)
            passive = request.path.startswith(passive_paths())
            if remaining_seconds(request, now) <= 0:
                logout(request)
                if passive:
                    return JsonResponse({"signed_in": False, "remaining_seconds": 0})
                messages.info(request, "You were signed out because your session ended. "
                                       "Sign in again to carry on.")
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            last = float(session.get(LAST_ACTIVITY, now))
            if not passive and now - last >= ACTIVITY_GRANULARITY_SECONDS:
                session[LAST_ACTIVITY] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A user whose role needs two-factor reaches nothing but enrolment until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        required = False
        if request.user.is_authenticated and not request.path.startswith(UNGUARDED_PREFIXES):
            required = needs_mfa_enrolment(request)
            if required and not mfa_enrolment_allowed(request.path_info):
                return redirect("accounts:mfa-required")
        # The navigation hides what the user cannot reach until they enrol.
        request.mfa_enrolment_required = required  # type: ignore[attr-defined]
        return self.get_response(request)


def mfa_enrolment_allowed(path: str) -> bool:
    """True for the pages a user without their required second factor may open."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        return True  # a 404 page shows nothing
    return name in MFA_ALLOWED_VIEW_NAMES or name.startswith(MFA_ALLOWED_VIEW_PREFIXES)


def needs_mfa_enrolment(request: HttpRequest) -> bool:
    from schoolkeep.accounts.selectors import user_has_mfa, user_needs_mfa

    if not user_needs_mfa(getattr(request, "access_list", [])):
        return False
    known = getattr(request, "user_has_second_factor", None)  # read with the user's schools
    return not (user_has_mfa(request.user) if known is None else known)
