"""Errors outside an API operation still answer in the API's JSON shape under /api/, while
the rest of the site keeps its HTML pages."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from schoolkeep.api import errors

pytestmark = pytest.mark.django_db


def detail(response) -> str:
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return json.loads(response.content)["detail"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/people/x/y/z",
                                  "/api/v2/me", "/api/"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_is_a_json_404(client, path, method):
    response = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 404
    assert detail(response) == "Not Found"  # ninja's own words for a 404


def test_an_unknown_page_elsewhere_keeps_the_html_page(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content


def test_a_refused_host_on_the_api_is_a_json_400(client):
    response = client.get("/api/v1/me", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert detail(response) == "Bad request."


def test_a_crash_outside_an_operation_is_a_json_500_on_the_api():
    request = RequestFactory().get("/api/v1/me")
    response = errors.server_error(request)
    assert response.status_code == 500
    assert detail(response) == "Server error."
    page = errors.server_error(RequestFactory().get("/people/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")

