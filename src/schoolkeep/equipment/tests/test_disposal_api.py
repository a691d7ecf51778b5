"""/api/v1/disposals: list (a steady query count), create (items disposed of), detail with
what the certificate says, PATCH with its version (409 when stale), 422 naming the field,
404 for a school one is not a member of."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.equipment.disposals import services
from schoolkeep.equipment.models import Item
from schoolkeep.equipment.tests.test_disposal_helpers import (
    certificate_pdf,
    make_disposal,
    make_item,
    upload,
)

Login = Callable[[User], Any]
pytestmark = pytest.mark.django_db
BASE = "/api/v1/disposals"


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Client, user: User) -> None:
        _, secret = token_create(user=user, name="test")
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.headers)

    def patch(self, path: str, data: str, content_type: str) -> Any:
        return self.client.patch(path, data=data, content_type=content_type, **self.headers)


@pytest.fixture
def login(client: Client) -> Callable[[User], Api]:
    return lambda user: Api(client, user)


def send(api: Api, method: str, path: str, body: dict[str, Any]) -> Any:
    return api.client.generic(method.upper(), path, json.dumps(body),
                              content_type="application/json", **api.headers)


def test_create_read_and_change(personas: Personas, login: Login) -> None:
    make_item(personas.school, "5CD1234ABC")
    make_item(personas.school, "5CD5678DEF")
    client = login(personas.siro)
    response = send(client, "post", BASE, {
        "school": "oakfield", "company_name": "Shred Co", "collected_on": "2026-03-01",
        "items": ["5CD1234ABC"], "waste_carrier_registration": "CBDU1"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["company_name"] == "Shred Co" and body["keep_note_until"] == "2028-03-01"
    assert [i["serial_number"] for i in body["items"]] == ["5CD1234ABC"]
    assert body["certificate_uploaded"] is False and body["certificate_has_text"] is None
    assert Item.objects.get(serial_key="5CD1234ABC").status == Item.Status.DISPOSED
    path = f"{BASE}/{body['id']}?school=oakfield"
    stale = send(client, "patch", path, {"version": 0, "notes": "x"})
    assert stale.status_code == 409
    changed = send(client, "patch", path, {"version": 1, "add_items": ["5CD5678DEF"],
                                           "reference": "J-1"})
    assert changed.status_code == 200 and changed.json()["reference"] == "J-1"
    assert len(changed.json()["items"]) == 2
    bad = send(client, "patch", path, {"version": 2, "collected_on": "2999-01-01"})
    assert bad.status_code == 422 and "collected_on" in bad.content.decode()


def test_detail_says_what_the_certificate_names(personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC", "5CD5678DEF"])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(["5CD1234ABC",
                                                                   "QQ11223344"])))
    body = login(personas.auditor).get(f"{BASE}/{disposal.public_id}?school=oakfield").json()
    assert body["certificate_has_text"] is True and body["not_in_batch"] == ["QQ11223344"]
    assert {i["serial_number"]: i["matched_by"] for i in body["items"]} == {
        "5CD1234ABC": "certificate_text", "5CD5678DEF": ""}


def test_unknown_items_are_a_422_and_other_schools_a_404(personas: Personas,
                                                        login: Login) -> None:
    response = send(login(personas.siro), "post", BASE, {
        "school": "oakfield", "company_name": "X", "collected_on": "2026-03-01",
        "items": ["NOSUCH1234"]})
    assert response.status_code == 422 and "items" in response.content.decode()
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    outsider = login(personas.outsider)
    assert outsider.get(f"{BASE}?school=oakfield").status_code == 404
    assert outsider.get(f"{BASE}/{disposal.public_id}?school=hillside").status_code == 404
    assert login(personas.auditor).patch(
        f"{BASE}/{disposal.public_id}?school=oakfield", data='{"version": 1}',
        content_type="application/json").status_code == 403


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_has_a_steady_query_count(personas: Personas, login: Login, count: int,
                                           django_assert_num_queries: Any) -> None:
    for number in range(count):
        make_disposal(personas.school, [f"SER{number:07d}A", f"SER{number:07d}B"])
    client = login(personas.auditor)
    client.get(f"{BASE}?school=oakfield")
    with django_assert_num_queries(QUERIES):
        response = client.get(f"{BASE}?school=oakfield&limit=100")
    assert response.status_code == 200 and response.json()["count"] == count


QUERIES = 5
