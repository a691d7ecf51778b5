"""A request id for every request: in the response header, the logs and audit events."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from schoolkeep.audit.context import audit_context

_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current_id = ""


def client_ip(request: HttpRequest) -> str:
    from django.conf import settings

    if getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID.match(incoming) else secrets.token_hex(8)
        request.request_id = request_id  # type: ignore[attr-defined]
        with audit_context(request_id=request_id, ip_address=client_ip(request),
                           actor_label="anonymous"):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from schoolkeep.audit.context import current

        record.request_id = current().request_id or "-"
        return True
