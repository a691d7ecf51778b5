"""The member's own account pages, the session poll and the SIRO's locked accounts."""

from __future__ import annotations

import uuid
from typing import Any, cast

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.accounts import selectors, services
from schoolkeep.accounts.forms import TokenCreateForm
from schoolkeep.accounts.middleware import remaining_seconds
from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.decorators import school_view


def _calendar_feed(user: Any) -> dict[str, Any]:
    """The personal calendar feed section (the duties app owns the feed)."""
    from schoolkeep.duties.calendar import feed_url

    return {"calendar_feed_enabled": True, "calendar_feed_url": feed_url(user)}


def _mfa_status(request: HttpRequest) -> dict[str, Any]:
    types = selectors.authenticator_types(request.user)
    return {
        "has_totp": Authenticator.Type.TOTP in types,
        "has_webauthn": Authenticator.Type.WEBAUTHN in types,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
        "has_mfa": bool(types & set(selectors.SECOND_FACTOR_TYPES)),
        "needs_mfa": selectors.user_needs_mfa(getattr(request, "access_list", [])),
    }


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    context = {
        "page_title": "Your account",
        "accesses": getattr(request, "access_list", []),
        "tokens": selectors.token_list_for_user(request.user),
        **_mfa_status(request),
        **_calendar_feed(request.user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_GET
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why two-factor is needed and links to enrolment."""
    context = {"page_title": "Set up two-factor sign-in", **_mfa_status(request)}
    return render(request, "accounts/mfa_required.html", context)


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Polled by the page to warn before the idle timeout; does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining_seconds": 0})
    return JsonResponse({"signed_in": True, "remaining_seconds": remaining_seconds(request)})


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                user=request.user, actor=request.user, **form.cleaned_data  # type: ignore[arg-type]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Shown in this response only: it is never stored, so it cannot be shown again.
            return render(request, "accounts/token_created.html",
                          {"page_title": "Your new API token", "token": token, "secret": secret})
    return render(request, "accounts/token_create.html",
                  {"page_title": "Create an API token", "form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = cast(User, request.user)
    token = ApiToken.objects.filter(user=user, public_id=public_id).first()
    if token is None:
        raise Http404("Not found")
    try:
        services.token_revoke(token=token, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("accounts:account")


@school_view("lockouts.manage")
@require_GET
def lockout_list(request: HttpRequest) -> HttpResponse:
    locked = selectors.locked_accounts_for_school(request.school)  # type: ignore[attr-defined]
    return render(request, "accounts/lockout_list.html",
                  {"page_title": "Locked accounts", "locked_accounts": locked,
                   "failure_limit": settings.AXES_FAILURE_LIMIT})


@school_view("lockouts.manage")
@require_POST
def lockout_unlock(request: HttpRequest, attempt_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    attempt, locked = selectors.locked_account_for_school(school, attempt_id=attempt_id)
    services.lockout_clear(attempt=attempt, actor=request.user, school=school)
    messages.success(request, f"{locked.email} can sign in again from {locked.ip_address}.")
    return redirect("accounts:lockout-list")
