"""Secret addresses never reach a log line: every address whose path holds a secret is
listed here, once, and redacted from every log record of the process.

An invitation, a signing link, a school's report-a-concern page, a calendar feed and a
password reset link are each opened by a secret in the path. Request paths are logged by
gunicorn's access log (with the Referer, which may be such an address), Django's development
server, Django's "Not Found"/"Forbidden" warnings (``django.request``, and
``django.security.*`` on a CSRF failure) and any ``?next=`` that quotes a path. Rather than
attach a filter to each of those loggers (a logger's filter misses records propagated from
its children, and a new logger would be missed), ``install()`` wraps the log record factory:
every record of every logger is redacted as it is made, before any handler sees it.

A new secret address must be added to ``SECRET_PATHS``; a test walks the URL conf and fails
for any route with a ``token`` or ``key`` parameter that is not redacted here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

REDACTED = "[redacted]"


@dataclass(frozen=True)
class SecretPath:
    """``prefix`` is followed by a secret path segment. ``not_after``: the prefix is no
    secret when it ends a longer path (``/incidents/report/`` is the signed-in form);
    ``not_secret``: segments under the prefix that are pages of their own."""

    prefix: str
    what: str
    not_after: str = ""
    not_secret: tuple[str, ...] = ()


SECRET_PATHS: tuple[SecretPath, ...] = (
    SecretPath("/join/", "invitations"),
    SecretPath("/sign/", "personal signing links"),
    SecretPath("/passwords/link/", "personal password-change links"),
    SecretPath("/housekeeping/link/", "personal housekeeping links"),
    SecretPath("/report/", "schools' report-a-concern pages", not_after="/incidents"),
    SecretPath("/ask/", "schools' request pages"),
    SecretPath("/duties/calendar/", "calendar feeds", not_secret=("reset",)),
    SecretPath("/accounts/password/reset/key/", "password reset links",
               not_secret=("done",)),
)

# A secret path segment runs to the next "/", space, quote, "?", "#" (or "&" in a query);
# percent-encoded, to the next "%2F".
_SEGMENT = "[^/\\s\"'?#]+"
_ENCODED_SEGMENT = "(?:%(?!2[Ff])|[^/\\s\"'?#&%])+"
_END = "(?:[/\\s\"'?#&]|$)"
_ENCODED_END = "(?:%2[Ff]|[/\\s\"'?#&]|$)"


def _encoded(text: str) -> str:
    """A regex for ``text`` as it appears percent-encoded in a query (``?next=%2Fjoin%2F``)."""
    return "%2[Ff]".join(re.escape(part) for part in text.split("/"))


def _alternatives(rule: SecretPath) -> list[tuple[str, str]]:
    """(regex, replacement) for the path as written and as percent-encoded."""
    plain = encoded = ""
    if rule.not_after:  # the prefix is not where a path starts
        plain += f"(?<!{re.escape(rule.not_after)})"
        encoded += f"(?<!{_encoded(rule.not_after)})"
    plain += re.escape(rule.prefix)
    encoded += _encoded(rule.prefix)
    for name in rule.not_secret:  # a page of its own under the prefix
        plain += f"(?!{re.escape(name)}{_END})"
        encoded += f"(?!{re.escape(name)}{_ENCODED_END})"
    return [(plain + _SEGMENT, rule.prefix + REDACTED),
            (encoded + _ENCODED_SEGMENT, rule.prefix.replace("/", "%2F") + REDACTED)]


def _compile(rules: tuple[SecretPath, ...]) -> tuple[re.Pattern[str], list[str]]:
    pairs = [pair for rule in rules for pair in _alternatives(rule)]
    pattern = "|".join(f"(?P<r{index}>{regex})" for index, (regex, _) in enumerate(pairs))
    return re.compile(pattern), [replacement for _, replacement in pairs]


_PATTERN, _REPLACEMENTS = _compile(SECRET_PATHS)


def redact(text: str) -> str:
    """``text`` with the secret segment of every secret address replaced."""
    return _PATTERN.sub(lambda match: _REPLACEMENTS[int(str(match.lastgroup)[1:])], text)


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place: its message is formatted once and kept without arguments
    when, and only when, it held a secret address."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed record: logging reports it itself
        return
    if _PATTERN.search(message):
        record.msg, record.args = redact(message), ()


_installed = {"done": False}


def install() -> None:
    """Redact every log record made from now on in this process (once; called from the
    throttles app's ``ready()``, so in the web server, the worker and every command)."""
    if _installed["done"]:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    _installed["done"] = True
