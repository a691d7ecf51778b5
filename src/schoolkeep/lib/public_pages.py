"""What the public no-login pages opened by a token in their address share: the signing
link page (``/sign/<token>``) and the report-a-concern page (``/report/<token>/``).

The token must not leak and must not be guessed: every answer carries
``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store`` and is not indexed,
refusals are logged with the path redacted, request logs have the token redacted, and
attempts are counted per client address in a fixed window kept in the cache.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

# --------------------------------------------------------------------------- throttling


class WindowThrottle:
    """Attempts per client address, counted in a fixed window from the first one: at
    ``limit`` attempts the address is throttled until the window ends."""

    def __init__(self, key_prefix: str, *, limit: int, window_seconds: int) -> None:
        self.key_prefix = key_prefix
        self.limit = limit
        self.window_seconds = window_seconds

    def _key(self, address: str) -> str:
        return self.key_prefix + hashlib.sha256(address.encode()).hexdigest()[:32]

    def throttled(self, address: str) -> bool:
        entry = cache.get(self._key(address))
        return entry is not None and entry[1] > time.time() and entry[0] >= self.limit

    def count(self, address: str) -> None:
        """One more attempt from this address, in a fixed window from its first one."""
        now = time.time()
        count, ends = cache.get(self._key(address)) or (0, 0.0)
        if ends <= now:
            count, ends = 0, now + self.window_seconds
        cache.set(self._key(address), (count + 1, ends), timeout=max(1, int(ends - now) + 1))


# ------------------------------------------------------------------------------ logging


class RedactTokens(logging.Filter):
    """Replaces every match of ``pattern`` in a log line (request logs of the development
    server and gunicorn, Django's warnings) with ``replacement``."""

    def __init__(self, pattern: re.Pattern[str], replacement: str) -> None:
        super().__init__()
        self.pattern = pattern
        self.replacement = replacement

    def redact(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if self.pattern.search(message):
            record.msg, record.args = self.redact(message), ()
        return True


LOGGERS_WITH_PATHS = ("django.request", "django.server", "gunicorn.access", "gunicorn.error")


def install_log_redaction(redaction: RedactTokens) -> None:
    """Adds the filter to every logger that logs request paths, once."""
    for name in LOGGERS_WITH_PATHS:
        log = logging.getLogger(name)
        if redaction not in log.filters:
            log.addFilter(redaction)


# -------------------------------------------------------------------------------- pages


def public_response(response: HttpResponse, state: str, *, logger: logging.Logger,
                    page_name: str, redacted_path: str) -> HttpResponse:
    """The headers every answer of a public page carries; refusals are logged here, with
    the path redacted, instead of by Django with the token in the path."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)  # no-store, private
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
        logger.info("%s answered %s (%s) for %s", page_name, response.status_code, state,
                    redacted_path)
    return response
