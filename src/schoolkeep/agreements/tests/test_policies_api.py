"""/api/v1/policies: read only for every member of the school (policies.view); another
school's or an unknown policy: 404; the status and next review as the register shows them;
limit and offset; constant query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolkeep.accounts.services import token_create
from schoolkeep.agreements.policies.imports import policy_import
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.agreements.policies.selectors import policy_list
from schoolkeep.agreements.policies.services import policy_create, version_add
from schoolkeep.agreements.tests.policy_texts import policy_text

LIST = reverse("api:policy-list")
EVERY_MEMBER = ["siro", "dpo", "iao", "business_manager", "it_lead", "dsl", "hr_admin",
                "data_admin", "staff", "governor", "auditor", "trust_admin"]


def detail(policy: Policy) -> str:
    return reverse("api:policy-detail", args=[policy.public_id])


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def test_the_list_gives_each_policy_as_the_register_shows_it(personas, api):
    policy_import(school=personas.school, actor=None, text=policy_text())
    policy_create(school=personas.school, actor=None, title="Charging Policy",
                  owner=personas.dpo, next_review="31 March 2030")
    response = api(personas.staff).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    charging, phones = body["items"]
    assert phones["title"] == "Mobile Phones Policy"
    assert phones["current_version"] == 1 and phones["approved_by_name"] == "Ruth Ellery"
    assert phones["approved_on"] == "2021-10-14"
    assert (phones["next_review_on"], phones["next_review_term"],
            phones["next_review_estimated"]) == ("2022-04-08", "Spring 2022", True)
    assert (phones["status"], phones["status_label"]) == ("overdue", "Overdue")
    assert charging["owner"] == str(personas.dpo.public_id)
    assert charging["owner_name"] == personas.dpo.full_name
    assert (charging["status"], charging["current_version"]) == ("draft", None)


def test_the_detail_lists_the_versions(personas, api):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    version_add(policy=policy, actor=None, text="One")
    version_add(policy=policy, actor=None, text="Two")
    body = api(personas.governor).get(detail(policy)).json()
    assert body["id"] == str(policy.public_id)
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["status"] == "draft" and body["versions"][0]["has_file"] is False


@pytest.mark.parametrize("persona", EVERY_MEMBER)
def test_every_member_reads(personas, api, persona):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    client = api(personas.users[persona])
    assert client.get(LIST).status_code == 200
    assert client.get(detail(policy)).status_code == 200


def test_another_school_and_an_unknown_policy_are_not_found(personas, api):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    outsider = api(personas.outsider)
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(detail(policy)).status_code == 404
    # Their own school's slug does not open this school's policy either.
    assert outsider.get(detail(policy), school="hillside").status_code == 404
    unknown = reverse("api:policy-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert api(personas.siro).get(unknown).status_code == 404


def test_without_a_token_it_is_401_and_writes_are_not_allowed(personas, client, api):
    assert client.get(LIST, {"school": "oakfield"}).status_code == 401
    siro = api(personas.siro)
    response = siro.client.post(f"{LIST}?school=oakfield", {}, **siro.headers)
    assert response.status_code == 405


def test_limit_and_offset(personas, api):
    for n in range(5):
        policy_create(school=personas.school, actor=None, title=f"Policy {n}")
    body = api(personas.dpo).get(LIST, limit=2, offset=3).json()
    assert body["count"] == 5
    assert [item["title"] for item in body["items"]] == ["Policy 3", "Policy 4"]
    assert api(personas.dpo).get(LIST, limit=101).status_code == 422


def test_the_list_reads_the_same_number_of_queries_for_3_and_40(
        personas, api, django_assert_num_queries):
    client = api(personas.auditor)

    def make(start: int, count: int) -> None:
        for n in range(start, start + count):
            policy_create(school=personas.school, actor=None, title=f"Policy {n:02d}",
                          owner=personas.dpo if n % 2 else None,
                          next_review="Autumn 2027" if n % 3 else date(2027, 5, 1))

    make(0, 3)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, limit=100).status_code == 200
    make(3, 37)
    with django_assert_num_queries(len(few)):
        body = client.get(LIST, limit=100).json()
    assert body["count"] == 40 and len(body["items"]) == 40


def test_the_list_leaves_texts_and_password_hashes_unread(personas, api):
    policy_import(school=personas.school, actor=None, text=policy_text())
    policy_create(school=personas.school, actor=None, title="Charging Policy",
                  owner=personas.dpo, next_review="31 March 2030")
    phones = next(p for p in policy_list(school=personas.school) if p.current_version)
    assert "text" in phones.current_version.get_deferred_fields()
    charging = next(p for p in policy_list(school=personas.school) if p.owner)
    assert "password" in charging.owner.get_deferred_fields()
    listed = api(personas.staff).get(LIST).json()["items"]
    for item in listed:  # the same as each policy's own answer, less its versions
        one = api(personas.staff).get(detail(Policy.objects.get(public_id=item["id"]))).json()
        assert item == {key: value for key, value in one.items() if key != "versions"}
