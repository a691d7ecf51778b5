"""/api/v1/equipment: reads need equipment.view, writes equipment.manage; not a member: 404;
filters; personal data not known stays null; lost, stolen and disposed not settable; a
clash is a 422 naming the field; versions (409 when stale); writes audited; the list's
query count the same at 3 and 40 rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.inventory import services
from schoolkeep.equipment.models import Item
from schoolkeep.systems.tests.records import make_person, make_system

pytestmark = pytest.mark.django_db
LIST = reverse("api:equipment-item-list")
OUT_KEYS = {"id", "label", "kind", "make", "model_name", "serial_number", "asset_tag",
            "personal_data", "encryption", "encryption_verified_on", "location",
            "assigned_to", "systems", "status", "incident", "flags", "version"}


def detail(item: Item) -> str:
    return reverse("api:equipment-item-detail", args=[item.public_id])


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: User) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def send(self, method: str, url: str, body: Any, school: str | None = "oakfield") -> Any:
        query = f"?school={school}" if school else ""
        return self.client.generic(method, f"{url}{query}", json.dumps(body, default=str),
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def add(personas: Personas, serial: str, **fields: Any) -> Item:
    fields.setdefault("kind", "laptop")
    return services.item_create(school=personas.school, actor=None, serial_number=serial,
                                **fields)


def test_list_and_detail_with_filters(personas: Personas, api: Any) -> None:
    sims = make_system(personas)
    ada = make_person(personas.school, "Ada Lovelace")
    item = add(personas, "5CD1234ABC", personal_data=True, encryption="none", systems=[sims],
               assigned_to=ada)
    add(personas, "OTHER1", kind="desktop")
    client = api(personas.auditor)
    body = client.get(LIST).json()
    assert body["count"] == 2 and set(body["items"][0]) == OUT_KEYS
    one = client.get(LIST, flag="unencrypted").json()
    assert one["count"] == 1
    row = one["items"][0]
    assert row["systems"] == [str(sims.public_id)] and row["assigned_to"] == str(ada.public_id)
    assert row["flags"] == ["Holds personal data, not encrypted"]
    assert client.get(LIST, personal_data="unknown").json()["count"] == 1
    assert client.get(LIST, search="5cd-1234").json()["count"] == 1
    assert client.get(LIST, assigned_to=str(ada.public_id)).json()["count"] == 1
    assert client.get(detail(item)).json()["serial_number"] == "5CD1234ABC"
    assert client.get(LIST, school="hillside").status_code == 404


def test_create_keeps_unknown_null_and_refuses_lost(personas: Personas, api: Any) -> None:
    client = api(personas.it_lead)
    response = client.send("POST", LIST, {"school": "oakfield", "kind": "tablet",
                                          "serial_number": "DMPX1"}, school=None)
    assert response.status_code == 201
    assert response.json()["personal_data"] is None and response.json()["status"] == "in_use"
    assert AuditEvent.objects.filter(action="equipment.item.created").count() == 1
    response = client.send("POST", LIST, {"school": "oakfield", "kind": "tablet",
                                          "serial_number": "X2", "status": "lost"},
                           school=None)
    assert response.status_code == 422
    response = client.send("POST", LIST, {"school": "oakfield", "kind": "tablet",
                                          "serial_number": "dmpx-1"}, school=None)
    assert response.status_code == 422 and "serial_number" in response.content.decode()
    assert api(personas.dpo).send("POST", LIST, {"school": "oakfield", "kind": "tablet",
                                                 "serial_number": "X3"},
                                  school=None).status_code == 403
    assert Item.objects.count() == 1


def test_patch_with_version(personas: Personas, api: Any) -> None:
    item = add(personas, "X1")
    client = api(personas.business_manager)
    url = reverse("api:equipment-item-update", args=[item.public_id])
    response = client.send("PATCH", url, {"version": 1, "personal_data": True,
                                          "encryption": "bitlocker", "location": "Office"})
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.json()["encryption"] == "bitlocker"
    assert client.send("PATCH", url, {"version": 1, "location": "Hall"}).status_code == 409
    assert client.send("PATCH", url, {"version": 2, "make": None}).status_code == 422
    assert client.send("PATCH", url, {"version": 2, "status": "disposed"}).status_code == 422
    theirs = services.item_create(school=personas.other_school, actor=None, kind="laptop",
                                  serial_number="THEIRS")
    assert client.get(detail(theirs)).status_code == 404


def _populate(personas: Personas, start: int, count: int) -> None:
    systems = [make_system(personas, name=f"System {start}-{n}") for n in range(2)]
    for n in range(start, start + count):
        person = make_person(personas.school, f"Person {n:02d}")
        add(personas, f"SER{n:04d}", assigned_to=person, systems=systems[: n % 3],
            personal_data=[True, None, False][n % 3])


def test_list_query_count_does_not_grow(personas: Personas, api: Any,
                                        django_assert_num_queries) -> None:
    client = api(personas.it_lead)
    _populate(personas, 0, 3)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        body = client.get(LIST).json()
    assert body["count"] == 40 and len(body["items"]) == 40


def test_the_api_choices_are_the_models() -> None:
    from typing import get_args

    from schoolkeep.equipment.inventory.api import EncryptionValue, KindValue

    assert list(get_args(KindValue)) == Item.Kind.values
    assert list(get_args(EncryptionValue)) == Item.Encryption.values
