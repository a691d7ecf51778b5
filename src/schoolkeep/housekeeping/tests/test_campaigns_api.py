"""/api/v1/housekeeping-campaigns: reads need housekeeping.view, a launch housekeeping.manage
(the SIRO); not a member: 404; a broken rule: 422 naming the field, nothing written; a
campaign carries its figures per group; the list costs the same queries at 3 and 40 rows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.housekeeping.models import Campaign
from schoolkeep.housekeeping.tests.records import launch, make_person
from schoolkeep.tenancy.services import site_create

pytestmark = pytest.mark.django_db
LIST = reverse("api:housekeeping-campaign-list")
# The token's check and its use recorded, the caller's schools, then the page and its count.
# 12, and 3 more since issue 20's audit sealing: the token's use event (once per request)
# reads the reader's audit key, refreshes its sealed name and stores the sealed values; a
# constant one-off, the same at 3 and 40 rows.
QUERIES = 15


class Api:
    def __init__(self, client: Any, user: User) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield") -> Any:
        return self.client.get(url, {"school": school}, **self.headers)

    def post(self, body: Any) -> Any:
        return self.client.post(LIST, json.dumps(body, default=str),
                                content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def _body(**fields: Any) -> dict[str, Any]:
    return {"school": "oakfield", "title": "Housekeeping",
            "closes_on": timezone.localdate() + timedelta(days=10), **fields}


def test_launch_and_read(api, personas: Personas) -> None:
    north = site_create(school=personas.school, name="North")
    make_person(personas.school, "Ann North", sites=[north])
    make_person(personas.school, "Bob Elsewhere")
    response = api(personas.siro).post(_body(sites=[str(north.public_id)]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["asked"] == 1 and body["confirmed"] == 0
    assert "I have deleted files I no longer need" in body["checklist"]
    assert {"group": "site", "label": "North", "asked": 1, "confirmed": 0} in body["groups"]
    listed = api(personas.auditor).get(LIST).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    detail = reverse("api:housekeeping-campaign-detail", args=[body["id"]])
    assert api(personas.auditor).get(detail).json()["groups"] == body["groups"]
    assert api(personas.outsider).get(detail).status_code == 404
    assert api(personas.outsider).get(detail, school="hillside").status_code == 404


def test_refusals(api, personas: Personas) -> None:
    make_person(personas.school, "Ann Teacher")
    assert api(personas.dpo).post(_body()).status_code == 403
    assert api(personas.auditor).post(_body()).status_code == 403
    assert api(personas.staff).get(LIST).status_code == 403
    assert api(personas.outsider).post(_body()).status_code == 404
    past = api(personas.siro).post(_body(closes_on=timezone.localdate()))
    assert past.status_code == 422 and "closes_on" in past.content.decode()
    other = site_create(school=personas.other_school, name="Theirs")
    theirs = api(personas.siro).post(_body(sites=[str(other.public_id)]))
    assert theirs.status_code == 422 and "sites" in theirs.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("number", [3, 40])
def test_the_list_costs_the_same_at_3_and_40(api, personas: Personas, number: int,
                                             django_assert_num_queries) -> None:
    make_person(personas.school, "Ann Teacher")
    for _ in range(number):
        launch(personas.school)
        Campaign.objects.update(closed_at=timezone.now())
    reader = api(personas.siro)
    with django_assert_num_queries(QUERIES):
        response = reader.get(LIST)
    assert response.json()["count"] == number



def test_a_confirm_by_date_more_than_a_year_away_is_refused(api, personas: Personas) -> None:
    make_person(personas.school, "Ann Teacher")
    far = api(personas.siro).post(_body(closes_on="9999-12-31"))
    assert far.status_code == 422 and "closes_on" in far.content.decode()
    assert "within a year" in far.content.decode()
    assert not Campaign.objects.exists()
    year = api(personas.siro).post(_body(closes_on=timezone.localdate() + timedelta(days=365)))
    assert year.status_code == 201, year.content
