"""Resolve the current school once per request: ``request.school`` and ``request.access``.

One query reads every school of the user, their roles and whether they have a second
factor (``request.user_has_second_factor``, read by the two-factor middleware after this).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import user_access

SESSION_KEY = "schoolkeep_school_id"


def resolve_access(request: HttpRequest) -> None:
    """Set request.access_list, request.access (or None) and request.school (or None)."""
    found = user_access(request.user)
    accesses: list[SchoolAccess] = found.schools
    wanted = request.session.get(SESSION_KEY)
    current = next((a for a in accesses if a.school.pk == wanted), None)
    if current is None and accesses:
        current = accesses[0]
    request.access_list = accesses  # type: ignore[attr-defined]
    request.access = current  # type: ignore[attr-defined]
    request.school = current.school if current else None  # type: ignore[attr-defined]
    request.user_has_second_factor = found.has_second_factor  # type: ignore[attr-defined]


class CurrentSchoolMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(("/static/", "/api/", "/healthz")):
            request.access_list, request.access, request.school = [], None, None  # type: ignore[attr-defined]
        else:
            resolve_access(request)
        return self.get_response(request)
