"""The school's no-login "report a concern" page: ``/report/<token>/``.

Anyone with the address (printed on the school's posters) can report, with no account,
session or cookie. The page needs no CSRF cookie: a forged submission could only file a
report that anyone may file anyway, and acts on no one's session; the unguessable token is
what a guess lacks. It shows the reporter a random receipt code, never the school's
sequential reference, and nothing about any other report. The token must not leak:
``Referrer-Policy: no-referrer``, ``Cache-Control: no-store``, refusals logged with the path
redacted. Submissions and unknown addresses are counted per internet address: past the
limit, everything from that address gets 429 until the hour is up, so that guessing
addresses or flooding the school with reports is slow.
"""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from schoolkeep.incidents.forms_report import PublicReportForm
from schoolkeep.incidents.models import Channel
from schoolkeep.incidents.services_concern import concern_page_by_token
from schoolkeep.incidents.services_report import incident_report
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.public_pages import RedactTokens, WindowThrottle, public_response
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.http import posted

logger = logging.getLogger(__name__)

# Reports plus unknown addresses per internet address, in a fixed window from the first.
ATTEMPT_LIMIT = 5
WINDOW_SECONDS = 3600


THROTTLE = WindowThrottle("concern-report:", limit=ATTEMPT_LIMIT,
                          window_seconds=WINDOW_SECONDS)

# Any /report/<token> in a log line becomes /report/[redacted], but not the signed-in form at
# /incidents/report/; services_concern.register() installs it on the loggers that log paths.
REDACTION = RedactTokens(re.compile(r"(?<!/incidents)/report/[^/\s\"'?#]+"),
                         "/report/[redacted]")


def _public(response: HttpResponse, state: str) -> HttpResponse:
    return public_response(response, state, logger=logger, page_name="Report-a-concern page",
                           redacted_path="/report/[redacted]")


def _unknown(request: HttpRequest, address: str) -> HttpResponse:
    THROTTLE.count(address)
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
    if THROTTLE.throttled(address):  # before the lookup: a throttled guesser learns nothing more
        return _throttled(request)
    page = concern_page_by_token(token)
    if page is None:
        return _unknown(request, address)
    now = timezone.now()
    form = PublicReportForm(posted(request), now=now)
    context = {"school_name": page.school.name, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            _, code = incident_report(school=page.school, actor=None, channel=Channel.PUBLIC,
                                      **form.service_fields(now=now))
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            THROTTLE.count(address)
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
    if THROTTLE.throttled(address):
        return _throttled(request)
    return _unknown(request, address)
