"""The page shown when django-axes has locked an account at one address."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any,
                     **kwargs: Any) -> HttpResponse:
    response = TemplateResponse(request, "accounts/locked_out.html", {"minutes": 15}, status=429)
    return response.render()
