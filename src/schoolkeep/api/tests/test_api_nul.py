"""Text holding a NUL character is refused by every endpoint as a 422 naming the field:
PostgreSQL cannot store it, and the database's error would otherwise be a 500."""

from __future__ import annotations

import json

import pytest

from schoolkeep.accounts.services import token_create

pytestmark = pytest.mark.django_db


def _auth(personas) -> dict[str, str]:
    _, secret = token_create(user=personas.siro, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_nul_in_a_body_is_a_422_naming_the_field(client, personas):
    body = {"school": personas.school.slug, "full_name": "Ann\u0000Lee", "kind": "teaching"}
    response = client.post("/api/v1/people", data=json.dumps(body),
                           content_type="application/json", **_auth(personas))
    assert response.status_code == 422
    assert json.loads(response.content)["detail"][0]["loc"] == ["body", "full_name"]


def test_a_nul_deep_in_a_body_names_its_top_field(client, personas):
    body = {"school": personas.school.slug, "full_name": "Ann Lee",
            "roles": ["a", "b\u0000"]}
    response = client.post("/api/v1/people", data=json.dumps(body),
                           content_type="application/json", **_auth(personas))
    assert response.status_code == 422
    assert json.loads(response.content)["detail"][0]["loc"] == ["body", "roles"]


def test_a_nul_in_a_query_is_a_422(client, personas):
    response = client.get("/api/v1/people", {"school": personas.school.slug,
                                             "search": "a\u0000"}, **_auth(personas))
    assert response.status_code == 422
    assert json.loads(response.content)["detail"][0]["loc"] == ["query", "search"]
