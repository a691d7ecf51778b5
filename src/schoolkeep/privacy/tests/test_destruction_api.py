"""/api/v1/destructions: the list with its filters, one entry, and recording through the
service (422 naming the field, another school's record type refused), in constant queries."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.schedule.models import RecordType, RetentionEvent

LIST = reverse("api:destruction-list")


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, {"school": "oakfield", **params}, **self.headers)

    def post(self, body: dict[str, Any]) -> Any:
        return self.client.generic("POST", LIST, json.dumps(body, default=str),
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def entry(personas: Personas, n: int = 0, **fields: Any) -> Destruction:
    values: dict[str, Any] = {
        "school": personas.school, "actor": None, "description": f"Old registers {n}",
        "method": DestructionMethod.SHREDDING, "destroyed_on": date(2026, 2, 1) - timedelta(n),
        "destroyed_by_label": "Office manager"}
    values.update(fields)
    return destruction_record(**values)


def body(**changes: Any) -> dict[str, Any]:
    values = {"school": "oakfield", "description": "Visitor books 2019", "method": "shredding",
              "destroyed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
              "destroyed_by": "Office manager", "quantity": 4}
    values.update(changes)
    return values


def test_the_list_and_one_entry(api: Any, personas: Personas) -> None:
    cctv = RecordType.objects.create(school=personas.school, name="CCTV", days=30,
                                     event=RetentionEvent.CREATION)
    first = entry(personas, 1, record_type=cctv, quantity=2)
    entry(personas, 2, destroyed_on=date(2025, 5, 5))
    reader = api(personas.auditor)
    listed = reader.get(LIST).json()
    assert listed["count"] == 2
    assert [item["description"] for item in listed["items"]] == [
        "Old registers 1", "Old registers 2"]
    assert reader.get(LIST, record_type=str(cctv.public_id)).json()["count"] == 1
    assert reader.get(LIST, year=2025).json()["count"] == 1
    assert reader.get(LIST, method="secure_deletion").json()["count"] == 0
    one = reader.get(reverse("api:destruction-detail", args=[first.public_id])).json()
    assert (one["record_type"], one["record_type_name"], one["quantity"]) == (
        str(cctv.public_id), "CCTV", 2)
    assert one["method_label"] == "Cross-cut shredding" and one["source"] == "manual"


def test_recording_goes_through_the_service(api: Any, personas: Personas) -> None:
    response = api(personas.it_lead).post(body())
    assert response.status_code == 201, response.content
    created = Destruction.objects.get()
    assert response.json()["id"] == str(created.public_id)
    assert created.recorded_by_label == str(personas.it_lead)


@pytest.mark.parametrize(("changes", "field"), [
    ({"description": " "}, "description"),
    ({"destroyed_on": "2999-01-01"}, "destroyed_on"),
    ({"method": "disposal_company"}, "certificate_reference"),
    ({"records_from": "2020-01-02", "records_to": "2020-01-01"}, "records_from"),
    ({"asset": "00000000-0000-0000-0000-000000000000"}, "asset"),
    # Only Schoolkeep's erasure and a disposal's certificate write these.
    ({"method": "schoolkeep_erasure"}, "method"),
    ({"disposal": "00000000-0000-0000-0000-000000000000"}, "disposal"),
])
def test_a_refusal_names_the_field_and_writes_nothing(api: Any, personas: Personas,
                                                      changes: dict[str, Any],
                                                      field: str) -> None:
    response = api(personas.dpo).post(body(**changes))
    assert response.status_code == 422
    assert field in json.dumps(response.json())
    assert not Destruction.objects.exists()


def test_another_schools_record_type_is_refused(api: Any, personas: Personas) -> None:
    theirs = RecordType.objects.create(school=personas.other_school, name="Theirs", years=1,
                                       event=RetentionEvent.CREATION)
    response = api(personas.dpo).post(body(record_type=str(theirs.public_id)))
    assert response.status_code == 422 and "record_type" in json.dumps(response.json())


def test_the_list_query_count_does_not_grow(api: Any, personas: Personas,
                                            django_assert_num_queries) -> None:
    cctv = RecordType.objects.create(school=personas.school, name="CCTV", days=30,
                                     event=RetentionEvent.CREATION)
    for n in range(3):
        entry(personas, n, record_type=cctv)
    reader = api(personas.dpo)
    reader.get(LIST, limit=50)
    with CaptureQueriesContext(connection) as few:
        reader.get(LIST, limit=50)
    for n in range(3, 40):
        entry(personas, n, record_type=cctv)
    with django_assert_num_queries(len(few)):
        assert reader.get(LIST, limit=50).json()["count"] == 40
