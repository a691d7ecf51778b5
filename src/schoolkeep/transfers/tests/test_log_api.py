"""/api/v1/transfers: the whole log for transfers.view, their own for a sender, logging
(an unapproved channel is logged and waits for review), the DPO's review by PATCH with the
version read, refusals naming the field, another school's 404, and the list's queries at 3
and 40 rows."""

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
from schoolkeep.transfers.models import Transfer

from .test_log_services import asset, channel, sen_by

pytestmark = pytest.mark.django_db

LIST = reverse("api:transfer-list")


class Api:
    def __init__(self, client: Any, user: User) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def send(self, method: str, url: str, body: Any, school: str | None = None) -> Any:
        query = f"?school={school}" if school else ""
        return self.client.generic(method, f"{url}{query}", json.dumps(body, default=str),
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def detail(transfer: Transfer) -> str:
    return reverse("api:transfer-detail", args=[transfer.public_id])


def test_a_sender_logs_and_reads_their_own(api, personas: Personas) -> None:
    egress = channel(personas.school)
    records = asset(personas.school)
    theirs = sen_by(personas.school, personas.dsl, channel=egress)
    caller = api(personas.staff)
    made = caller.send("POST", LIST, {
        "school": "oakfield", "data_kind": "sen", "recipient": "school",
        "recipient_name": "St Mary's", "channel_other": "Ordinary e-mail",
        "pupils_named": True, "people_count": 1, "asset": str(records.public_id)})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["approved"] is False and body["review"] == "to_review"
    assert body["channel"] is None and body["channel_name"] == "Ordinary e-mail"
    assert body["asset"] == str(records.public_id) and body["pupils_named"] is True
    listed = caller.get(LIST).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert caller.get(detail(theirs)).status_code == 404
    approved = caller.send("POST", LIST, {"school": "oakfield", "data_kind": "sen",
                                          "recipient": "school",
                                          "channel": str(egress.public_id)})
    assert approved.json()["approved"] is True and approved.json()["channel_name"] == "Egress"


def test_viewers_read_the_whole_log_with_filters(api, personas: Personas) -> None:
    egress = channel(personas.school)
    sen_by(personas.school, personas.dsl, channel=egress)
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True)
    caller = api(personas.auditor)
    assert caller.get(LIST).json()["count"] == 2
    assert caller.get(LIST, review="to_review").json()["count"] == 1
    assert caller.get(LIST, channel=str(egress.public_id)).json()["count"] == 1
    assert caller.get(LIST, channel="other").json()["count"] == 1
    assert caller.get(LIST, channel="nonsense").status_code == 422
    assert caller.send("POST", LIST, {"school": "oakfield", "data_kind": "sen",
                                      "recipient": "school",
                                      "channel_other": "Post"}).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404


def test_refusals_name_the_field(api, personas: Personas) -> None:
    other = channel(personas.other_school)
    caller = api(personas.staff)
    base = {"school": "oakfield", "data_kind": "sen", "recipient": "school"}
    cases = [({}, "channel"), ({"channel": str(other.public_id)}, "channel"),
             ({"channel_other": "Post", "data_kind": "gossip"}, "data_kind"),
             ({"channel_other": "Post", "sent_on": "2999-01-01"}, "sent_on"),
             ({"channel_other": "Post", "sent_on": "0001-01-01"}, "sent_on"),
             ({"channel_other": "Post", "sent_on": "0999-12-31"}, "sent_on"),
             ({"channel_other": "Post\x00"}, "channel_other"),
             ({"channel_other": "Post", "recipient_name": "St\x00 Mary's"},
              "recipient_name"),
             ({"channel_other": "Post", "add_to_asset_recipients": True}, "asset")]
    for fields, field in cases:
        response = caller.send("POST", LIST, {**base, **fields})
        assert response.status_code == 422, fields
        assert response.json()["detail"][0]["loc"][-1] == field
    assert caller.send("POST", LIST, {**base, "channel_other": "Post",
                                      "surprise": 1}).status_code == 422
    assert not Transfer.objects.exists()


def test_the_dpo_reviews_by_patch(api, personas: Personas) -> None:
    transfer = sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True)
    url = detail(transfer)
    assert api(personas.staff).send("PATCH", url, {"version": 1, "review_note": "ok"},
                                    school="oakfield").status_code == 403
    dpo = api(personas.dpo)
    assert dpo.send("PATCH", url, {"version": 9, "review_note": "ok"},
                    school="oakfield").status_code == 409
    empty = dpo.send("PATCH", url, {"version": 1, "review_note": " "}, school="oakfield")
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][-1] == "review_note"
    done = dpo.send("PATCH", url, {"version": 1, "review_note": "Encrypted; fine."},
                    school="oakfield")
    assert done.status_code == 200
    assert done.json()["review"] == "reviewed" and done.json()["version"] == 2
    assert api(personas.outsider).send("PATCH", url, {"version": 2, "review_note": "x"},
                                       school="oakfield").status_code == 404


def _populate(personas: Personas, start: int, count: int) -> None:
    records = asset(personas.school, name=f"Records {start}")
    for n in range(start, start + count):
        sen_by(personas.school, personas.staff, channel_other=f"Way {n}", log_anyway=True,
               asset=records)


def test_list_queries_at_3_and_40(api, personas: Personas, django_assert_num_queries) -> None:
    caller = api(personas.dpo)
    _populate(personas, 0, 3)
    caller.get(LIST)  # the token's first use may write
    with CaptureQueriesContext(connection) as few:
        assert caller.get(LIST).json()["count"] == 3
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        assert caller.get(LIST, limit=100).json()["count"] == 40
