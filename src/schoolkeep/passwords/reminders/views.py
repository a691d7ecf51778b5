"""The public page of a personal password-change link: ``/passwords/link/<token>/``, with no
sign-in.

GET shows the school, the system, the person's name and one button, and records nothing
(mail scanners open every link). POST records the change, once. As the signing page: no
session is read or changed, no CSRF cookie is needed (the unguessable token in the address is
what a forged request would lack), every answer carries ``Referrer-Policy: no-referrer`` and
``Cache-Control: no-store``, refusals are logged with the path redacted, and wrong tokens are
throttled per address.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.public_pages import public_response
from schoolkeep.lib.request_id import client_ip
from schoolkeep.passwords.reminders.links import (
    LinkState,
    LinkStatus,
    LinkUnusable,
    link_status,
    link_use,
)
from schoolkeep.throttles.services import Throttle, throttle_blocked, throttle_hit

logger = logging.getLogger(__name__)

WRONG_TOKEN_LIMIT = 30
WRONG_TOKEN_WINDOW_SECONDS = 600
WRONG_TOKENS = Throttle("password-link-wrong-token", limit=WRONG_TOKEN_LIMIT,
                        window=timedelta(seconds=WRONG_TOKEN_WINDOW_SECONDS))
STATUS_CODES = {LinkState.UNKNOWN: 404, LinkState.USED: 410, LinkState.EXPIRED: 410,
                LinkState.GONE: 410}


def _public(response: HttpResponse, state: str) -> HttpResponse:
    return public_response(response, state, logger=logger, page_name="Password change link",
                           redacted_path="/passwords/link/[redacted]")


def _throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "passwords/reminders/link_throttled.html",
                      {"page_title": "Too many tries"}, status=429)
    response["Retry-After"] = str(WRONG_TOKEN_WINDOW_SECONDS)
    return _public(response, "throttled")


def _unusable(request: HttpRequest, status: LinkStatus, address: str) -> HttpResponse:
    if status.state == LinkState.UNKNOWN and not throttle_hit(throttle=WRONG_TOKENS,
                                                              address=address):
        return _throttled(request)
    link = status.link
    response = render(request, "passwords/reminders/link_unusable.html", {
        "page_title": "This link cannot be used", "status": status,
        "school_name": status.school_name, "system_name": link.system.name if link else ""},
        status=STATUS_CODES[status.state])
    return _public(response, status.state)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def change_link(request: HttpRequest, token: str) -> HttpResponse:
    address = client_ip(request)
    status = link_status(token)
    # Only guessing is slowed down: a real link still works from a throttled address.
    if throttle_blocked(throttle=WRONG_TOKENS, address=address) \
            and status.state != LinkState.READY:
        return _throttled(request)
    error = ""
    if request.method == "POST" and status.state == LinkState.READY:
        try:
            change = link_use(token=token)
        except LinkUnusable as exc:
            return _unusable(request, exc.status, address)
        except DomainError as exc:
            error = exc.message
        else:
            return _public(render(request, "passwords/reminders/link_done.html", {
                "page_title": "Thank you", "school_name": status.school_name,
                "system_name": change.system.name, "changed_on": change.changed_on}), "used")
    link = status.link
    if status.state != LinkState.READY or link is None:
        return _unusable(request, status, address)
    return _public(render(request, "passwords/reminders/link_form.html", {
        "page_title": f"Your {link.system.name} password", "school_name": status.school_name,
        "system_name": link.system.name, "person_name": link.person.full_name,
        "error": error}, status=400 if error else 200), "ready")


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /passwords/link/ but a token: a quiet 404, logged without the path,
    and counted as a wrong token."""
    return _unusable(request, LinkStatus(LinkState.UNKNOWN), client_ip(request))
