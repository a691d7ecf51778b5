"""/api/v1/transfer-rules: the school's table (every cell with its source and channels),
one cell, PUT/PATCH with the version read (409 when stale, 422 naming the field), DELETE
resets; reads need transfers.view, writes transfers.manage; not a member: 404; the list's
query count does not grow with the school's channels and rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.systems.services import system_add_from_catalogue, system_create
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.resolve import cell_for

LIST = reverse("api:transfer-rule-list")


def cell_url(kind: str = "staff", recipient: str = "school") -> str:
    return reverse("api:transfer-rule-detail", args=[kind, recipient])


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, {"school": "oakfield", **params}, **self.headers)

    def send(self, method: str, url: str, body: Any = None, school: str = "oakfield") -> Any:
        data = "" if body is None else json.dumps(body)
        return self.client.generic(method, f"{url}?school={school}", data,
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def test_the_list_is_every_cell_with_its_source_and_channels(api, personas: Personas) -> None:
    system_add_from_catalogue(school=personas.school, actor=None, key="dfe-s2s")
    reader = api(personas.auditor)
    first = reader.get(LIST, limit=100).json()
    assert first["count"] == 64 and len(first["items"]) == 64
    by_cell = {(item["data_kind"], item["recipient"]): item for item in first["items"]}
    ctf = by_cell[("ctf_pupil_file", "school")]
    assert ctf["source"] == "default" and ctf["answer"] == "channels" and not ctf["ask_dpo"]
    assert ctf["channels"] == [{"key": "dfe-s2s", "name": "DfE S2S", "in_register": True}]
    assert "DfE S2S site" in ctf["policy"] and ctf["version"] == 0
    refs = by_cell[("references_reports", "school")]
    assert [c["in_register"] for c in refs["channels"]] == [False, False]
    assert refs["ask_dpo"] is True  # none of its channels is in the register
    other = by_cell[("other", "parents")]
    assert (other["source"], other["answer"], other["channels"]) == ("none", "ask_dpo", [])
    page = reader.get(LIST).json()
    assert page["count"] == 64 and len(page["items"]) == 50
    rest = reader.get(LIST, offset=50).json()
    assert len(rest["items"]) == 14
    only = reader.get(LIST, data_kind="sen").json()
    assert only["count"] == 8 and {i["data_kind"] for i in only["items"]} == {"sen"}


def test_readers_writers_and_strangers(api, personas: Personas) -> None:
    assert api(personas.staff).get(LIST).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404
    body = {"version": 0, "answer": "ask_dpo"}
    assert api(personas.it_lead).send("PUT", cell_url(), body).status_code == 403
    assert api(personas.trust_admin).send("PUT", cell_url(), body).status_code == 403
    assert api(personas.outsider).send("PUT", cell_url(), body).status_code == 404
    assert api(personas.dpo).send("PUT", cell_url(), body).status_code == 200


def test_put_patch_delete_with_versions(api, personas: Personas) -> None:
    own = system_create(school=personas.school, actor=None, name="County Mail",
                        is_transfer_channel=True)
    dpo = api(personas.dpo)
    put = dpo.send("PUT", cell_url(), {"version": 0, "answer": "channels",
                                       "channels": [str(own.public_id), "egress"],
                                       "note": "HR only."})
    assert put.status_code == 200
    body = put.json()
    assert body["source"] == "school" and body["version"] == 1
    assert [c["name"] for c in body["channels"]] == ["County Mail", "Egress"]
    stale = dpo.send("PATCH", cell_url(), {"version": 0, "note": "Late."})
    assert stale.status_code == 409
    patched = dpo.send("PATCH", cell_url(), {"version": 1, "note": "HR contact only."})
    assert patched.status_code == 200
    assert patched.json()["note"] == "HR contact only."
    assert patched.json()["channels"][0]["key"] == str(own.public_id)  # kept
    bad = dpo.send("PATCH", cell_url(), {"version": 2, "channels": ["sims"]})
    assert bad.status_code == 422 and "channels" in json.dumps(bad.json())
    null = dpo.send("PATCH", cell_url(), {"version": 2, "note": None})
    assert null.status_code == 422
    extra = dpo.send("PUT", cell_url(), {"version": 2, "answer": "ask_dpo", "colour": "red"})
    assert extra.status_code == 422
    reset = dpo.send("DELETE", cell_url())
    assert reset.status_code == 200 and reset.json()["source"] == "none"
    assert cell_for(personas.school, "staff", "school").source == "none"
    assert dpo.send("DELETE", cell_url()).status_code == 422  # nothing to reset
    assert dpo.get(cell_url("staff", "martians")).status_code == 404


def _add(school: Any, count: int, start: int) -> None:
    cells = [(kind, recipient) for kind in DataKind.values for recipient in Recipient.values]
    for n in range(start, start + count):
        system = system_create(school=school, actor=None, name=f"Channel {n}",
                               is_transfer_channel=True)
        kind, recipient = cells[n]
        TransferRule.objects.create(school=school, data_kind=kind, recipient=recipient,
                                    answer="channels", channels=[str(system.public_id)])


def test_list_query_count_does_not_grow(api, personas: Personas,
                                        django_assert_num_queries) -> None:
    reader = api(personas.siro)
    _add(personas.school, 3, 0)
    reader.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert reader.get(LIST, limit=100).status_code == 200
    _add(personas.school, 37, 3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = reader.get(LIST, limit=100)
    names = {c["name"] for item in response.json()["items"] for c in item["channels"]}
    assert {"Channel 0", "Channel 39"} <= names
