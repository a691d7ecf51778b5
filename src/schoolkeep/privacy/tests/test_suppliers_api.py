"""/api/v1/processors: the list (constant queries at 3 and 40), one supplier, a create naming
its school, a PATCH with the version read (409 when stale), errors on their field (422), and
another school's supplier as a 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.tests.suppliers_support import in_order, organisation, supplier, system

pytestmark = pytest.mark.django_db
LIST = reverse("api:processor-list")


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str = LIST, **params: Any) -> Any:
        return self.client.get(url, {"school": "oakfield", **params}, **self.headers)

    def post(self, body: Any) -> Any:
        return self.client.post(LIST, json.dumps(body), content_type="application/json",
                                **self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(f"{url}?school=oakfield", json.dumps(body),
                                 content_type="application/json", **self.headers)


def one(processor: Processor) -> str:
    return reverse("api:processor-detail", args=[processor.public_id])


def test_the_list_costs_the_same_at_3_and_40(personas: Personas, client: Any) -> None:
    school = personas.school
    mis, cctv = system(school, "MIS"), system(school, "CCTV")
    for n in range(3):
        supplier(school, f"Supplier {n:02}", systems=[mis, cctv])
    api = Api(client, personas.dpo)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(limit=50)
        assert response.status_code == 200
        return len(captured)

    queries()  # the token's first use is recorded once
    few = queries()
    for n in range(3, 40):
        supplier(school, f"Supplier {n:02}", systems=[mis])
    assert queries() == few
    body = api.get(limit=50).json()
    assert body["count"] == 40
    assert body["items"][0]["systems"] == [str(cctv.public_id), str(mis.public_id)]


def test_one_supplier_and_the_filter(personas: Personas, client: Any) -> None:
    today = timezone.localdate()
    fine = in_order(personas.school, "Fine Ltd", today=today, article28_terms=["audits"])
    supplier(personas.school, "Missing Ltd")
    api = Api(client, personas.auditor)
    body = api.get(one(fine)).json()
    assert (body["name"], body["on_file"], body["article28_terms"], body["needs_attention"]) == (
        "Fine Ltd", True, ["audits"], [])
    names = [row["name"] for row in api.get(attention="true").json()["items"]]
    assert names == ["Missing Ltd"]
    theirs = supplier(personas.other_school, "Their Ltd")
    assert api.get(one(theirs)).status_code == 404


def test_create_and_patch(personas: Personas, client: Any) -> None:
    school = personas.school
    mis = system(school, "MIS")
    acme = organisation(school, "Acme Ltd")
    api = Api(client, personas.dpo)
    response = api.post({"school": "oakfield", "name": "Acme Ltd",
                         "systems": [str(mis.public_id)],
                         "outside_organisation": str(acme.public_id),
                         "article28_terms": ["instructions"], "data_location": "elsewhere",
                         "transfer_mechanism": "adequacy",
                         "transfer_mechanism_note": "The EU (adequacy regulations)"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["systems"] == [str(mis.public_id)] and body["version"] == 1
    processor = Processor.objects.get(public_id=body["id"])
    changed = api.patch(one(processor), {"version": 1, "data_location": "uk",
                                         "cyber_essentials": "ce",
                                         "cyber_essentials_expires_on": "2030-01-31"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["transfer_mechanism"], changed.json()["version"]) == ("", 2)
    assert api.patch(one(processor), {"version": 1, "name": "B"}).status_code == 409
    assert AuditEvent.objects.filter(action__startswith="processors.processor.").count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"data_location": "elsewhere"}, "transfer_mechanism"),
    ({"systems": ["00000000-0000-0000-0000-000000000000"]}, "systems"),
    ({"article28_terms": ["magic"]}, "article28_terms"),
    ({"cyber_essentials": "gold"}, "cyber_essentials"),
])
def test_errors_name_their_field(personas: Personas, client: Any, body: dict[str, Any],
                                 field: str) -> None:
    response = Api(client, personas.dpo).post({"school": "oakfield", "name": "Acme", **body})
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])
    assert not Processor.objects.exists()


def test_a_reader_may_not_write(personas: Personas, client: Any) -> None:
    response = Api(client, personas.auditor).post({"school": "oakfield", "name": "Acme"})
    assert response.status_code == 403
    processor = supplier(personas.school, "Acme")
    assert Api(client, personas.iao).patch(one(processor), {"version": 1}).status_code == 403
