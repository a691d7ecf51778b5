"""The OpenAPI document and the docs page, which must work under our strict CSP."""

from __future__ import annotations

import re

from django.urls import reverse


def test_openapi_document(client, db):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    document = response.json()
    assert "/api/v1/me" in document["paths"]
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/me"]["get"]["security"] == [{"TokenAuth": []}]


def test_docs_page_loads_only_our_own_scripts(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        # Either a file from our own static files, or a JSON data block (never executed).
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
    assert "cdn" not in html.lower()
    assert " style=" not in html


def test_document_and_docs_page_answer_only_get(client, db):
    assert client.post(reverse("api:openapi-json")).status_code == 405
    assert client.post(reverse("api:openapi-view")).status_code == 405
    assert client.head(reverse("api:openapi-json")).status_code == 200
