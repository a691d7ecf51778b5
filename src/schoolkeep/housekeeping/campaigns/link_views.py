"""The public page of a personal housekeeping link: ``/housekeeping/link/<token>/``, with no
sign-in.

GET shows the school, the checklist, the person's name and one button, and records nothing
(mail scanners open every link). POST confirms, once. As the password-change link's page: no
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

from schoolkeep.housekeeping.campaigns.links import (
    LinkState,
    LinkStatus,
    LinkUnusable,
    link_status,
    link_use,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.public_pages import public_response
from schoolkeep.lib.request_id import client_ip
from schoolkeep.throttles.services import Throttle, throttle_blocked, throttle_hit

logger = logging.getLogger(__name__)

WRONG_TOKEN_WINDOW_SECONDS = 600
WRONG_TOKENS = Throttle("housekeeping-link-wrong-token", limit=30,
                        window=timedelta(seconds=WRONG_TOKEN_WINDOW_SECONDS))
STATUS_CODES = {LinkState.UNKNOWN: 404, LinkState.USED: 410, LinkState.EXPIRED: 410,
                LinkState.CLOSED: 410, LinkState.DONE: 410, LinkState.GONE: 410}


def _public(response: HttpResponse, state: str) -> HttpResponse:
    return public_response(response, state, logger=logger, page_name="Housekeeping link",
                           redacted_path="/housekeeping/link/[redacted]")


def _unusable(request: HttpRequest, status: LinkStatus, address: str) -> HttpResponse:
    if status.state == LinkState.UNKNOWN and not throttle_hit(throttle=WRONG_TOKENS,
                                                              address=address):
        response = render(request, "housekeeping/link_unusable.html",
                          {"page_title": "Too many tries", "throttled": True}, status=429)
        response["Retry-After"] = str(WRONG_TOKEN_WINDOW_SECONDS)
        return _public(response, "throttled")
    response = render(request, "housekeeping/link_unusable.html", {
        "page_title": "This link cannot be used", "status": status,
        "school_name": status.school_name}, status=STATUS_CODES[status.state])
    return _public(response, status.state)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    address = client_ip(request)
    status = link_status(token)
    # Only guessing is slowed down: a real link still works from a throttled address.
    if throttle_blocked(throttle=WRONG_TOKENS, address=address) \
            and status.state != LinkState.READY:
        return _unusable(request, LinkStatus(LinkState.UNKNOWN), address)
    error = ""
    if request.method == "POST" and status.state == LinkState.READY:
        try:
            confirmation = link_use(token=token)
        except LinkUnusable as exc:
            return _unusable(request, exc.status, address)
        except DomainError as exc:
            error = exc.message
        else:
            return _public(render(request, "housekeeping/link_done.html", {
                "page_title": "Thank you", "school_name": status.school_name,
                "confirmation": confirmation}), "used")
    link = status.link
    if status.state != LinkState.READY or link is None:
        return _unusable(request, status, address)
    confirmation = link.confirmation
    return _public(render(request, "housekeeping/link_form.html", {
        "page_title": confirmation.campaign.title, "school_name": status.school_name,
        "campaign": confirmation.campaign, "person_name": confirmation.person.display_name,
        "error": error}, status=400 if error else 200), "ready")


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /housekeeping/link/ but a token: a quiet 404, logged without the
    path, and counted as a wrong token."""
    return _unusable(request, LinkStatus(LinkState.UNKNOWN), client_ip(request))
