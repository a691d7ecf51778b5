"""/api/v1/record-types: the schedule in force, a school's adjustment (version, 409), its own
types (201), errors naming the field, another school's type a 404, constant queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.selectors import effective_record_type
from schoolkeep.privacy.schedule.services import record_type_add

pytestmark = pytest.mark.django_db

LIST = "/api/v1/record-types"
OWN = {"name": "Minibus log books", "event": "creation", "years": 3, "action": "destroy"}


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, {"school": "oakfield", **params}, **self.headers)

    def post(self, body: Any) -> Any:
        return self.client.post(f"{LIST}?school=oakfield", json.dumps(body),
                                content_type="application/json", **self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(f"{url}?school=oakfield", json.dumps(body),
                                 content_type="application/json", **self.headers)


def detail(public_id: Any) -> str:
    return reverse("api:record-type-detail", args=[public_id])


def test_the_list_is_the_schedule_in_force(personas, client) -> None:
    api = Api(client, personas.auditor)
    body = api.get(LIST, limit=100).json()
    by_key = {item["key"]: item for item in body["items"]}
    assert by_key[keys.CCTV]["period"] == "30 days after the record is made"
    assert by_key[keys.CCTV]["origin"] == "shipped" and by_key[keys.CCTV]["source"]
    assert keys.OWN_LEAVERS in by_key
    school_only = api.get(LIST, own="false", limit=100).json()
    assert not any(item["schoolkeep_own"] for item in school_only["items"])


def test_patch_adjusts_for_the_school_and_refuses_a_stale_version(personas, client) -> None:
    api = Api(client, personas.dpo)
    cctv = effective_record_type(personas.school, keys.CCTV)
    answer = api.patch(detail(cctv.public_id), {"version": 1, "days": 14})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["origin"], body["days"], body["version"]) == ("school", 14, 1)
    assert body["id"] != str(cctv.public_id)
    # The shipped row is no longer in force at the school.
    assert api.get(detail(cctv.public_id)).status_code == 404
    again = api.patch(detail(body["id"]), {"version": 1, "days": 10})
    assert again.status_code == 200 and again.json()["version"] == 2
    stale = api.patch(detail(body["id"]), {"version": 1, "days": 7})
    assert stale.status_code == 409
    assert AuditEvent.objects.filter(action="retention.type-adjusted").count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({**OWN, "name": ""}, "name"),
    ({**OWN, "years": 0}, "years"),
    ({**OWN, "years": "3"}, "years"),
    ({**OWN, "event": "never"}, "event"),
    ({**OWN, "colour": "red"}, "colour"),
])
def test_bad_input_is_a_422_naming_the_field(personas, client, body, field) -> None:
    answer = Api(client, personas.dpo).post(body)
    assert answer.status_code == 422, answer.content
    assert field in json.dumps(answer.json())
    assert not AuditEvent.objects.filter(action="retention.type-added").exists()


def test_post_adds_the_schools_own_type(personas, client) -> None:
    answer = Api(client, personas.business_manager).post(OWN)
    assert answer.status_code == 201
    assert (answer.json()["origin"], answer.json()["key"]) == ("school", "")
    assert Api(client, personas.staff).post(OWN).status_code == 403


def test_another_schools_type_is_a_404(personas, client) -> None:
    theirs = record_type_add(school=personas.other_school, actor=None, **OWN)
    api = Api(client, personas.dpo)
    assert api.get(detail(theirs.public_id)).status_code == 404
    assert api.patch(detail(theirs.public_id), {"version": 1, "years": 1}).status_code == 404


def test_the_list_reads_in_constant_queries(personas, client) -> None:
    api = Api(client, personas.dpo)
    for n in range(3):
        record_type_add(school=personas.school, actor=None, **{**OWN, "name": f"Own {n}"})
    api.get(LIST)
    with CaptureQueriesContext(connection) as few:
        api.get(LIST)
    for n in range(3, 40):
        record_type_add(school=personas.school, actor=None, **{**OWN, "name": f"Own {n}"})
    with CaptureQueriesContext(connection) as many:
        assert api.get(LIST, limit=100).json()["count"] == 59
    assert len(many) == len(few)
