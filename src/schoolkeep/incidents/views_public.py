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

import hashlib
import logging
import re
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from schoolkeep.incidents.forms_report import PublicReportForm
from schoolkeep.incidents.models import Channel
from schoolkeep.incidents.services_concern import concern_page_by_token
from schoolkeep.incidents.services_report import incident_report
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.http import posted

logger = logging.getLogger(__name__)

# Reports plus unknown addresses per internet address, in a fixed window from the first.
ATTEMPT_LIMIT = 5
WINDOW_SECONDS = 3600


# --------------------------------------------------------------------------- throttling


def _throttle_key(address: str) -> str:
    return "concern-report:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def throttled(address: str) -> bool:
    entry = cache.get(_throttle_key(address))
    return entry is not None and entry[1] > time.time() and entry[0] >= ATTEMPT_LIMIT


def count_attempt(address: str) -> None:
    """One more report, or unknown address, from this internet address."""
    now = time.time()
    count, ends = cache.get(_throttle_key(address)) or (0, 0.0)
    if ends <= now:
        count, ends = 0, now + WINDOW_SECONDS
    cache.set(_throttle_key(address), (count + 1, ends), timeout=max(1, int(ends - now) + 1))


# ------------------------------------------------------------------------------ logging

# Not the signed-in form at /incidents/report/.
_TOKEN_IN_PATH = re.compile(r"(?<!/incidents)/report/[^/\s\"'?#]+")


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub("/report/[redacted]", text)


class RedactConcernTokens(logging.Filter):
    """Replaces any /report/<token> in a log line with /report/[redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if "/report/" in message:
            record.msg, record.args = redact(message), ()
        return True


LOGGERS_WITH_PATHS = ("django.request", "django.server", "gunicorn.access", "gunicorn.error")


def install_log_redaction() -> None:
    for name in LOGGERS_WITH_PATHS:
        log = logging.getLogger(name)
        if not any(isinstance(f, RedactConcernTokens) for f in log.filters):
            log.addFilter(RedactConcernTokens())


# -------------------------------------------------------------------------------- pages


def _public(response: HttpResponse, state: str) -> HttpResponse:
    """The headers every answer of this page carries; refusals are logged here, redacted,
    instead of by Django with the token in the path."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)  # no-store, private
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
        logger.info("Report-a-concern page answered %s (%s) for /report/[redacted]",
                    response.status_code, state)
    return response


def _unknown(request: HttpRequest, address: str) -> HttpResponse:
    count_attempt(address)
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
    if throttled(address):  # before the lookup: a throttled guesser learns nothing more
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
            count_attempt(address)
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
    if throttled(address):
        return _throttled(request)
    return _unknown(request, address)
