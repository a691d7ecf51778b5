"""The public page of a personal signing link: ``/sign/<token>``, with no sign-in.

The token opens this page only. The page shows the school's name, the policy's text and the
signer's own name, and nothing else of the school; it never reads or changes a session, and
needs no CSRF cookie: the unguessable token in its URL is what a forged request would lack,
and the page acts on no one's session. The token must not leak: ``Referrer-Policy:
no-referrer``, ``Cache-Control: no-store``, refusals logged with the path redacted, and
wrong tokens throttled per address.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from schoolkeep.agreements.aups.markdown import render_markdown
from schoolkeep.agreements.aups.models import Signature
from schoolkeep.agreements.signing.links.forms import SigningForm
from schoolkeep.agreements.signing.links.services import (
    LinkState,
    LinkStatus,
    LinkUnusable,
    link_sign,
    link_status,
)
from schoolkeep.agreements.signing.services import shown_version_number
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.public_pages import public_response
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.http import posted
from schoolkeep.throttles.services import Throttle, throttle_blocked, throttle_hit

logger = logging.getLogger(__name__)

# Wrong tokens per address before the page answers 429 until the window ends.
WRONG_TOKEN_LIMIT = 30
WRONG_TOKEN_WINDOW_SECONDS = 600

STATUS_CODES = {LinkState.UNKNOWN: 404, LinkState.REVOKED: 410, LinkState.USED: 410,
                LinkState.EXPIRED: 410}


# Per address only: a wrong token belongs to no school. /sign/<token> is kept out of the
# logs with every other secret address, by lib/log_redaction.py.
WRONG_TOKENS = Throttle("signing-wrong-token", limit=WRONG_TOKEN_LIMIT,
                        window=timedelta(seconds=WRONG_TOKEN_WINDOW_SECONDS))


def _public(response: HttpResponse, state: str) -> HttpResponse:
    return public_response(response, state, logger=logger, page_name="Signing page",
                           redacted_path="/sign/[redacted]")


def _unusable(request: HttpRequest, status: LinkStatus, address: str) -> HttpResponse:
    # Counted and checked in one step: of many wrong tokens at once, exactly the limit's
    # number are answered 404, the rest 429.
    if status.state == LinkState.UNKNOWN and not throttle_hit(throttle=WRONG_TOKENS,
                                                              address=address):
        return _throttled(request)
    response = render(request, "agreements/signing_unusable.html", {
        "page_title": "This signing link cannot be used", "status": status,
        "school_name": status.school_name, "aup_title": status.link.aup.title
        if status.link else ""}, status=STATUS_CODES[status.state])
    return _public(response, status.state)


def _throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "agreements/signing_throttled.html",
                      {"page_title": "Too many tries"}, status=429)
    response["Retry-After"] = str(WRONG_TOKEN_WINDOW_SECONDS)
    return _public(response, "throttled")


def _signed(request: HttpRequest, signature: Signature) -> HttpResponse:
    link = signature.link
    return _public(render(request, "agreements/signing_done.html", {
        "page_title": "Thank you", "school_name": link.school.name if link else "",
        "aup_title": signature.aup.title, "signature": signature}), "signed")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    address = client_ip(request)
    # Only guessing is slowed down: a real link still works from a throttled address (a
    # school's or a home's many people share one), anything else gets 429.
    if (throttle_blocked(throttle=WRONG_TOKENS, address=address)
            and link_status(token).state != LinkState.READY):
        return _throttled(request)
    form = SigningForm(posted(request))
    if request.method == "POST" and form.is_valid():
        # link_sign checks the link itself, under a lock: no need to look it up first.
        try:
            signature = link_sign(
                token=token, typed_name=form.cleaned_data["typed_name"],
                agreed=form.cleaned_data["agreed"], ip_address=address or None,
                shown_number=shown_version_number(request.POST))
        except LinkUnusable as exc:
            return _unusable(request, exc.status, address)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            return _signed(request, signature)
    status = link_status(token)
    if status.state != LinkState.READY or status.link is None or status.version is None:
        return _unusable(request, status, address)
    return _public(render(request, "agreements/signing_form.html", {
        "page_title": status.link.aup.title, "school_name": status.school_name,
        "signer_name": status.signer_name, "aup_title": status.link.aup.title,
        "version": status.version,
        "text": render_markdown(status.version.text, page_title=status.link.aup.title),
        "form": form}), "ready")


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /sign/ but a token: a 404 that says nothing, logged without the path,
    and counted as a wrong token."""
    return _unusable(request, LinkStatus(LinkState.UNKNOWN), client_ip(request))
