"""The school's no-login "report a concern" page: ``/report/<token>/``.

Anyone with the address (printed on the school's posters) can report, with no account,
session or cookie. The page needs no CSRF cookie: a forged submission could only file a
report that anyone may file anyway, and acts on no one's session; the unguessable token is
what a guess lacks. It shows the reporter a random receipt code, never the school's
sequential reference, and nothing about any other report. The token must not leak:
``Referrer-Policy: no-referrer``, ``Cache-Control: no-store``, refusals logged with the path
redacted. Reports are counted per school's page and internet address (so one school's
visitors never use up another school's page), checked and counted in one atomic step; past
the limit, the page gets 429 from that address until the hour is up. Unknown addresses are
counted per internet address: past their limit, every report page gets 429 from it, so that
guessing addresses or flooding a school with reports is slow.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from schoolkeep.incidents.models import Channel, ConcernPage
from schoolkeep.incidents.report.concern import concern_page_by_token
from schoolkeep.incidents.report.forms import PublicReportForm
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.public_pages import public_response
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.http import posted
from schoolkeep.throttles.services import Throttle, throttle_blocked, throttle_hit

logger = logging.getLogger(__name__)

# Reports per school's page and internet address, and unknown addresses per internet
# address, each in a fixed window from the first. /report/<token>/ is kept out of the logs
# with every other secret address, by lib/log_redaction.py.
ATTEMPT_LIMIT = 5
GUESS_LIMIT = 5
WINDOW_SECONDS = 3600

REPORTS = Throttle("concern-report", limit=ATTEMPT_LIMIT,
                   window=timedelta(seconds=WINDOW_SECONDS))
GUESSES = Throttle("concern-unknown-address", limit=GUESS_LIMIT,
                   window=timedelta(seconds=WINDOW_SECONDS))


def _page_key(page: ConcernPage) -> str:
    return f"school-{page.school_id}"  # the school's, so a replaced address counts on


def _public(response: HttpResponse, state: str) -> HttpResponse:
    return public_response(response, state, logger=logger, page_name="Report-a-concern page",
                           redacted_path="/report/[redacted]")


def _unknown(request: HttpRequest, address: str) -> HttpResponse:
    if not throttle_hit(throttle=GUESSES, address=address):
        return _throttled(request)
    return _public(render(request, "incidents/public_unknown.html",
                          {"page_title": "Page not found"}, status=404), "unknown")


def _throttled(request: HttpRequest) -> HttpResponse:
    response = render(request, "incidents/public_throttled.html",
                      {"page_title": "Too many reports"}, status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return _public(response, "throttled")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    address = client_ip(request)
    if throttle_blocked(throttle=GUESSES, address=address):
        return _throttled(request)  # before the lookup: a throttled guesser learns nothing more
    page = concern_page_by_token(token)
    if page is None:
        return _unknown(request, address)
    if throttle_blocked(throttle=REPORTS, address=address, page=_page_key(page)):
        return _throttled(request)
    now = timezone.now()
    form = PublicReportForm(posted(request), now=now)
    context = {"school_name": page.school.name, "form": form}
    if request.method == "POST" and form.is_valid():
        # Counted before the report is made, in the same step as the check: of 20 reports
        # sent at once, exactly the limit's number are made.
        if not throttle_hit(throttle=REPORTS, address=address, page=_page_key(page)):
            return _throttled(request)
        try:
            _, code = incident_report(school=page.school, actor=None, channel=Channel.PUBLIC,
                                      **form.service_fields(now=now))
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            return _public(render(request, "incidents/public_received.html", {
                **context, "page_title": "Thank you", "receipt": code,
                "notes": form.notes()}), "received")
    return _public(render(request, "incidents/public_form.html",
                          {**context, "page_title": "Report a concern"}), "ready")


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /report/ but a page's address: the address without its final slash
    is sent on to it; anything else is a 404 that says nothing, logged without the path and
    counted like an unknown address."""
    if "/" not in rest and request.method in ("GET", "HEAD"):
        return _public(redirect("concern:report", token=rest), "slash")
    address = client_ip(request)
    if throttle_blocked(throttle=GUESSES, address=address):
        return _throttled(request)
    return _unknown(request, address)
