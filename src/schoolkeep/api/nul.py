"""Refusing API requests whose text holds a NUL character.

PostgreSQL cannot store NUL in text, and no form lets one through; an API body or query
carrying one would otherwise reach the database and fail there (a 500). It is refused
first, as a 422 naming the field, for every endpoint at once (a middleware: ninja turns any
error of its body parser into a bare 400).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from schoolkeep.api.errors import is_api_path

NUL = "\x00"
MESSAGE = "This text contains a character that cannot be stored (NUL)."


def _field_with_nul(value: Any, field: str) -> str | None:
    """The top-level field whose value (at any depth) holds a NUL, or None."""
    if isinstance(value, str):
        return field if NUL in value else None
    if isinstance(value, dict):
        for key, inner in value.items():
            found = _field_with_nul(inner, field or str(key))
            if found is not None or (isinstance(key, str) and NUL in key):
                return found or field or str(key)
    if isinstance(value, list):
        for inner in value:
            found = _field_with_nul(inner, field)
            if found is not None:
                return found
    return None


def field_with_nul(request: HttpRequest) -> tuple[str, str] | None:
    """("query" or "body", the field) of the first text holding a NUL, or None. A body that
    is not JSON is left to the endpoint (which refuses it as ever)."""
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return "query", key
    if request.body and request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError:
            return None
        field = _field_with_nul(data, "")
        if field is not None:
            return "body", field
    return None


class RefuseNulMiddleware:
    """Answers 422 naming the field, in the API's shape, before any API endpoint runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request):
            found = field_with_nul(request)
            if found is not None:
                return JsonResponse({"detail": [{"loc": list(found), "msg": MESSAGE}]},
                                    status=422)
        return self.get_response(request)
