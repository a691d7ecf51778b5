"""django-axes hooks: which account a login attempt is for, and the page shown when locked.

allauth authenticates with ``authenticate(request, email=..., password=...)`` (its form's
field is ``login``), so the account is the ``email`` credential. It is lower-cased here so
that ``Head@School`` and ``head@school`` count as one account, as allauth treats them.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the e-mail address an attempt was for, lower-cased."""
    value: Any = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    elif request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("login") or data.get("email")
    if not value:
        return None
    return str(value).strip().lower()[:255]


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any,
                     **kwargs: Any) -> HttpResponse:
    minutes = math.ceil(float(settings.AXES_COOLOFF_TIME) * 60)
    response = TemplateResponse(
        request, "accounts/locked_out.html", {"minutes": minutes, "page_title": "Account locked"},
        status=429,
    )
    return response.render()
