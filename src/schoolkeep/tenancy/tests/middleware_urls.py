"""The application's URLs plus a view that makes no query of its own, so that a request to it
costs exactly what the middleware costs (test_middleware_queries.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def no_query(request: HttpRequest) -> HttpResponse:
    return HttpResponse("A page that reads nothing.")


urlpatterns = [
    path("test/no-query/", no_query, name="test-no-query"),
    path("", include("schoolkeep.urls")),
]
