"""/api/v1/training-records: reads need training.view, a create training.manage; not a
member: 404; filters (course, person, kind, state); a broken rule a 422 naming the field;
the list's query count the same at 3 and 40 rows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.people.services import person_link_account
from schoolkeep.training.models import TrainingRecord
from schoolkeep.training.records import services
from schoolkeep.training.tests.test_records_services import cyber, make_person, record

pytestmark = pytest.mark.django_db
LIST = reverse("api:training-record-list")


def headers(user: User) -> dict[str, str]:
    _, secret = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client: Client, user: User, body: dict[str, Any]) -> Any:
    return client.post(LIST, json.dumps(body, default=str), content_type="application/json",
                       **headers(user))


def test_readers_list_filter_and_read(personas: Personas, client: Client) -> None:
    school = personas.school
    course = cyber(school)
    ellie = make_person(school, "Ellie Morgan")
    martin = make_person(school, "Martin Hughes", kind="governor")
    made = record(ellie, course)
    record(martin, course)
    staff = person_link_account(person=make_person(school, "Sam Staff"), actor=None,
                                user=personas.staff)
    services.own_record_create(school=school, actor=personas.staff, person=staff,
                               course=course)
    auth = headers(personas.auditor)
    body = client.get(LIST, {"school": "oakfield"}, **auth).json()
    assert body["count"] == 3
    assert client.get(LIST, {"school": "oakfield", "kind": "governor"},
                      **auth).json()["count"] == 1
    awaiting = client.get(LIST, {"school": "oakfield", "state": "awaiting"}, **auth).json()
    assert [row["person_name"] for row in awaiting["items"]] == ["Sam Staff"]
    assert awaiting["items"][0]["confirmed_at"] is None
    assert client.get(LIST, {"school": "oakfield", "person": str(ellie.public_id)},
                      **auth).json()["count"] == 1
    bad = client.get(LIST, {"school": "oakfield", "kind": "pupil"}, **auth)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "kind"
    detail = reverse("api:training-record-detail", args=[made.public_id])
    one = client.get(detail, {"school": "oakfield"}, **auth).json()
    assert (one["person_name"], one["source"], one["has_certificate"]) == (
        "Ellie Morgan", "entered", False)
    assert client.get(detail, {"school": "oakfield"},
                      **headers(personas.outsider)).status_code == 404
    assert client.get(LIST, {"school": "oakfield"}, **headers(personas.staff)).status_code \
        == 403


def test_managers_create_with_a_422_naming_the_field(personas: Personas,
                                                     client: Client) -> None:
    school = personas.school
    course, ellie = cyber(school), make_person(school, "Ellie Morgan")
    today = timezone.localdate()
    body = {"school": "oakfield", "person": str(ellie.public_id),
            "course": str(course.public_id), "completed_on": today.isoformat()}
    assert post(client, personas.auditor, body).status_code == 403
    created = post(client, personas.business_manager, body)
    assert created.status_code == 201 and created.json()["confirmed_at"] is not None
    future = post(client, personas.business_manager,
                  {**body, "completed_on": (today + timedelta(days=2)).isoformat()})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"][-1] == \
        "completed_on"
    other = make_person(personas.other_school, "Someone Else")
    wrong = post(client, personas.business_manager, {**body, "person": str(other.public_id)})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "person"
    ancient = post(client, personas.business_manager, {**body, "completed_on": "0001-01-01"})
    assert ancient.status_code == 422 and ancient.json()["detail"][0]["loc"][-1] == \
        "completed_on"
    assert TrainingRecord.objects.count() == 1


def test_the_list_costs_the_same_at_3_and_40(personas: Personas, client: Client,
                                             django_assert_num_queries: Any) -> None:
    course = cyber(personas.school)
    for number in range(3):
        record(make_person(personas.school, f"Person {number:02}"), course)
    auth = headers(personas.auditor)
    client.get(LIST, {"school": "oakfield"}, **auth)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"school": "oakfield", "limit": 100}, **auth)
    for number in range(3, 40):
        record(make_person(personas.school, f"Person {number:02}"), course)
    with django_assert_num_queries(len(few)):
        body = client.get(LIST, {"school": "oakfield", "limit": 100}, **auth).json()
    assert body["count"] == 40 and len(body["items"]) == 40
