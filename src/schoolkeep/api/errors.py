"""Django's error pages for the API's paths: JSON in the API's shape (``{"detail": ...}``),
not the site's HTML pages.

Errors raised inside an API operation are answered by django-ninja (main.py); these cover
what happens before one is reached: an unknown path under ``/api/`` (404), a refused host or
a broken request (400), and a crash outside ninja (500). Other paths keep the HTML pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from schoolkeep import views

API_PREFIX = "/api/"

ErrorView = Callable[..., HttpResponse]


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_or_page(status: int, detail: str, page: ErrorView) -> ErrorView:
    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if is_api_path(request):
            return JsonResponse({"detail": detail}, status=status)
        return page(request, exception)

    return handler


bad_request = _json_or_page(400, "Bad request.", views.bad_request)
permission_denied = _json_or_page(403, "You are not allowed to do this.",
                                  views.permission_denied)
page_not_found = _json_or_page(404, "Not Found", views.page_not_found)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return views.server_error(request)
