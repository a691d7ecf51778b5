"""The school's no-login request page: ``/ask/<token>/``.

Anyone with the address (printed on the school's poster, linked from its website) can make a
request, with no account, session or cookie. The page needs no CSRF cookie: a forged
submission could only make a request that anyone may make anyway, and acts on no one's
session; the unguessable token is what a guess lacks. It shows the requester a random receipt
code, never the school's sequential reference, and nothing about any other request. The
token must not leak: ``Referrer-Policy: no-referrer``, ``Cache-Control: no-store``,
refusals logged with the path redacted (and ``/ask/`` is a secret path of
lib/log_redaction.py). Requests are counted per school's page and internet address, checked
and counted in one atomic step (throttles/services.py); past the limit the page gets 429
from that address until the hour is up. Unknown addresses are counted per internet address:
past their limit every request page gets 429 from it, so guessing addresses is slow.
Every answer, a refused method included, carries the page's headers: HEAD is read as GET,
and any other method but POST gets a 405 through the same public response.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from schoolkeep.inforequests.intake.forms import PublicRequestForm
from schoolkeep.inforequests.intake.public import request_page_by_token
from schoolkeep.inforequests.intake.services import (
    offers_public_information,
    receipt_code,
    receipt_hash,
    request_log,
)
from schoolkeep.inforequests.models import RequestPage
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.public_pages import public_response
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.http import posted
from schoolkeep.throttles.services import Throttle, throttle_blocked, throttle_hit

logger = logging.getLogger(__name__)

# Requests per school's page and internet address, and unknown addresses per internet
# address, each in a fixed window from the first.
ATTEMPT_LIMIT = 5
GUESS_LIMIT = 5
WINDOW_SECONDS = 3600

REQUESTS = Throttle("request-page", limit=ATTEMPT_LIMIT,
                    window=timedelta(seconds=WINDOW_SECONDS))
GUESSES = Throttle("request-unknown-address", limit=GUESS_LIMIT,
                   window=timedelta(seconds=WINDOW_SECONDS))

ALLOWED_METHODS = ("GET", "HEAD", "POST")


def _page_key(page: RequestPage) -> str:
    return f"school-{page.school_id}"  # the school's, so a replaced address counts on


def _public(response: HttpResponse, state: str) -> HttpResponse:
    return public_response(response, state, logger=logger, page_name="Request page",
                           redacted_path="/ask/[redacted]")


def _unknown(request: HttpRequest, address: str) -> HttpResponse:
    if not throttle_hit(throttle=GUESSES, address=address):
        return _throttled(request)
    return _public(render(request, "inforequests/intake/ask_unknown.html",
                          {"page_title": "Page not found"}, status=404), "unknown")


def _throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "inforequests/intake/ask_throttled.html",
                      {"page_title": "Too many requests"}, status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return _public(response, "throttled")


@csrf_exempt
def ask(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ALLOWED_METHODS:  # before the lookup: it says nothing of it
        return _public(HttpResponseNotAllowed(ALLOWED_METHODS), "method")
    address = client_ip(request)
    if throttle_blocked(throttle=GUESSES, address=address):
        return _throttled(request)  # before the lookup: a throttled guesser learns nothing more
    page = request_page_by_token(token)
    if page is None:
        return _unknown(request, address)
    if throttle_blocked(throttle=REQUESTS, address=address, page=_page_key(page)):
        return _throttled(request)
    form = PublicRequestForm(posted(request), school=page.school)
    context = {"school_name": page.school.name, "form": form,
               "offers_foi": offers_public_information(page.school)}
    if request.method == "POST" and form.is_valid():
        # Counted before the request is made, in the same step as the check: of 20 sent at
        # once, exactly the limit's number are made.
        if not throttle_hit(throttle=REQUESTS, address=address, page=_page_key(page)):
            return _throttled(request)
        code = receipt_code()
        try:
            request_log(school=page.school, actor=None, receipt_hash=receipt_hash(code),
                        **form.service_fields(now=timezone.now()))
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            return _public(render(request, "inforequests/intake/ask_received.html", {
                **context, "page_title": "Thank you", "receipt": code}), "received")
    return _public(render(request, "inforequests/intake/ask_form.html",
                          {**context, "page_title": "Make a request"}), "ready")


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /ask/ but a page's address: the address without its final slash is
    sent on to it; anything else is a 404 that says nothing, logged without the path and
    counted like an unknown address."""
    if "/" not in rest and request.method in ("GET", "HEAD"):
        return _public(redirect("ask:request", token=rest), "slash")
    address = client_ip(request)
    if throttle_blocked(throttle=GUESSES, address=address):
        return _throttled(request)
    return _unknown(request, address)
