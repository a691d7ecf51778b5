"""Site-wide views: the home redirect, the health check and the error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def home(request: HttpRequest) -> HttpResponse:
    """A trust administrator lands on their schools side by side; every other member on
    what needs doing."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if any(access.is_trust_admin for access in getattr(request, "access_list", [])):
        return redirect("overview:schools")
    return redirect("duties:dashboard")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Something was wrong with that request",
                  "Go back and try again. If it keeps happening, tell your IT lead.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "You cannot do this",
                  "Your role does not allow it. Ask your SIRO if you think it should.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Page not found",
                  "The page may have moved, or you may not have access to it.")


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors, database or URL lookups: they may be what failed.
    return HttpResponseServerError(render_to_string("500.html"))
