"""The API's conventions, exercised through a small API built like the real one: token auth
by default, our error handlers, and the list helper (?school=, items/count, limit/offset)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.testing import TestClient
from tests.factories import MembershipFactory

from schoolkeep.accounts.services import token_create, user_create
from schoolkeep.api.auth import TokenAuth
from schoolkeep.api.main import install_error_handlers
from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.models import Membership

api = NinjaAPI(auth=TokenAuth(), urls_namespace="conventions-test")
install_error_handlers(api)


class PersonIn(Schema):
    email: str
    full_name: str


class MemberOut(Schema):
    email: str


@api.post("/people")
def people_create(request: HttpRequest, payload: PersonIn) -> dict[str, str]:
    if payload.full_name == "forbidden":
        raise NotAllowed("Your role does not allow this.")
    user = user_create(email=payload.email, full_name=payload.full_name,
                       actor=request.user)
    return {"email": user.email}


@api.get("/members", response=Page[MemberOut])
def member_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, object]:
    access = school_access(request, params.school, "school.view")
    members = (Membership.objects.filter(school=access.school, is_active=True)
               .select_related("user").order_by("user__email"))
    page = paginate(members, limit=params.limit, offset=params.offset)
    page["items"] = [{"email": m.user.email} for m in page["items"]]
    return page


@pytest.fixture
def ninja_client():
    return TestClient(api)


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_read_only_token_gets_403_on_a_write(ninja_client, personas):
    _, secret = token_create(user=personas.staff, name="t", read_only=True)
    response = ninja_client.post("/people", json={"email": "a@example.org", "full_name": "A"},
                                 headers=auth(secret))
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}


def test_domain_error_is_422_naming_the_field(ninja_client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    response = ninja_client.post("/people", json={"email": "bad", "full_name": "A"},
                                 headers=auth(secret))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "email"]
    assert error["msg"]


def test_not_allowed_is_403(ninja_client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    response = ninja_client.post("/people", json={"email": "a@b.org", "full_name": "forbidden"},
                                 headers=auth(secret))
    assert response.status_code == 403


def test_bad_input_is_422_naming_the_field(ninja_client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    response = ninja_client.post("/people", json={"email": "a@b.org"}, headers=auth(secret))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "full_name"
    assert error["msg"]


def test_list_pages_with_items_and_count(ninja_client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    response = ninja_client.get("/members?school=oakfield&limit=3&offset=2",
                                headers=auth(secret))
    assert response.status_code == 200
    body = response.json()
    total = Membership.objects.filter(school=personas.school).count()
    assert body["count"] == total
    assert len(body["items"]) == 3
    everyone = ninja_client.get("/members?school=oakfield", headers=auth(secret)).json()
    assert [i["email"] for i in everyone["items"]][2:5] == [i["email"] for i in body["items"]]


def test_list_of_a_school_one_is_not_member_of_is_404(ninja_client, personas):
    _, secret = token_create(user=personas.staff, name="t")
    assert ninja_client.get("/members?school=hillside", headers=auth(secret)).status_code == 404
    assert ninja_client.get("/members?school=nowhere", headers=auth(secret)).status_code == 404


@pytest.mark.parametrize("query", ["limit=101", "limit=0", "offset=-1", ""])
def test_list_parameters_are_checked(ninja_client, personas, query):
    _, secret = token_create(user=personas.staff, name="t")
    school = "" if query == "" else "school=oakfield&"
    response = ninja_client.get(f"/members?{school}{query}", headers=auth(secret))
    assert response.status_code == 422


def test_default_page_is_fifty(ninja_client, personas):
    for _ in range(60):
        MembershipFactory(school=personas.school, roles=["staff"])
    _, secret = token_create(user=personas.staff, name="t")
    body = ninja_client.get("/members?school=oakfield", headers=auth(secret)).json()
    assert len(body["items"]) == 50
    assert body["count"] == Membership.objects.filter(school=personas.school).count()


def test_paginate_clamps_and_counts(personas):
    members = Membership.objects.order_by("pk")
    total = members.count()
    assert paginate(members, limit=1000)["count"] == total
    assert len(paginate(members, limit=1000)["items"]) == min(total, 100)
    assert len(paginate(members, limit=0)["items"]) == 1
    assert paginate(members, offset=total)["items"] == []


def test_school_access_refuses_missing_permission(personas):
    from ninja.errors import HttpError

    from schoolkeep.tenancy.selectors import access_list_for_user

    request = HttpRequest()
    request.access_list = access_list_for_user(personas.staff)
    assert school_access(request, "oakfield").school == personas.school
    with pytest.raises(HttpError) as caught:
        school_access(request, "oakfield", "members.manage")
    assert caught.value.status_code == 403


def test_list_query_count_does_not_grow(ninja_client, personas, django_assert_num_queries):
    _, secret = token_create(user=personas.staff, name="t")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ninja_client.get("/members?school=oakfield", headers=auth(secret))  # first use is audited
    with CaptureQueriesContext(connection) as few:
        body = ninja_client.get("/members?school=oakfield&limit=3", headers=auth(secret)).json()
    assert len(body["items"]) == 3
    for _ in range(40):
        MembershipFactory(school=personas.school, roles=["staff"])
    with django_assert_num_queries(len(few)):
        body = ninja_client.get("/members?school=oakfield&limit=40", headers=auth(secret)).json()
    assert len(body["items"]) == 40


def test_domain_error_without_field(ninja_client, personas):
    from schoolkeep.api.main import api as real_api

    handler = real_api._exception_handlers[DomainError]
    response = handler(HttpRequest(), DomainError("Something is wrong."))
    assert response.status_code == 422
    assert b'"loc": ["body"]' in response.content
