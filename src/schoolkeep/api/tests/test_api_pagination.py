"""The list parameters' bounds: an offset beyond 1,000,000 is refused as 422 naming
``offset`` (a huge one made the database fail: a 500), checked through a real list endpoint;
``paginate`` itself gives an empty page past the bound rather than passing it to SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pydantic import ValidationError

from schoolkeep.accounts.services import token_create
from schoolkeep.api.pagination import MAX_OFFSET, ListParams, paginate
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db

PEOPLE = reverse("api:person-list")


@pytest.fixture
def get(client: Any, personas: Any) -> Any:
    _, secret = token_create(user=personas.siro, name="t")

    def call(**params: Any) -> Any:
        return client.get(PEOPLE, {"school": "oakfield", **params},
                          HTTP_AUTHORIZATION=f"Bearer {secret}")

    return call


@pytest.mark.parametrize(("params", "field"), [
    ({"offset": 10**12}, "offset"),
    ({"offset": 10**40}, "offset"),
    ({"offset": MAX_OFFSET + 1}, "offset"),
    ({"offset": -1}, "offset"),
    ({"limit": 10**40}, "limit"),
    ({"limit": 0}, "limit"),
])
def test_a_list_parameter_out_of_bounds_is_422_naming_it(get: Any, params: dict[str, int],
                                                         field: str) -> None:
    response = get(**params)
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["loc"][-1] == field and error["msg"]


def test_the_last_offset_allowed_gives_an_empty_page_with_the_count(get: Any) -> None:
    response = get(offset=MAX_OFFSET)
    assert response.status_code == 200, response.content
    assert response.json() == {"items": [], "count": get().json()["count"]}


def test_paginate_past_the_bound_answers_an_empty_page_without_asking_the_database(
        personas: Any) -> None:
    members = Membership.objects.order_by("pk")
    assert paginate(members, offset=10**30) == {"items": [], "count": members.count()}
    with pytest.raises(ValidationError) as caught:
        ListParams.model_validate({"school": "oakfield", "offset": 10**30})
    assert [error["loc"] for error in caught.value.errors()] == [("offset",)]
