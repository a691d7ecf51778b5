"""What the public no-login pages opened by a token in their address share: the signing
link page (``/sign/<token>``) and the report-a-concern page (``/report/<token>/``).

The token must not leak and must not be guessed: every answer carries
``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store`` and is not indexed,
refusals are logged here with the path redacted (instead of by Django), every log line has
secret addresses redacted (``lib/log_redaction.py``), and attempts are counted per client
address by the throttles app (``throttles/services.py``), in one atomic step.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


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
