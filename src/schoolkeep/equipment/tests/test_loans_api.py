"""/api/v1/loans: reads need equipment.view, writes equipment.manage; not a member: 404;
the encryption rule as a 422 naming the item; PATCH with versions (409 when stale) records
changes and returns; the list's query count the same at 3 and 40 rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.equipment.loans import services
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.equipment.tests.test_loan_records import lend, make_item, make_person

pytestmark = pytest.mark.django_db
LIST = reverse("api:loan-list")
OUT_KEYS = {"id", "item", "item_label", "person", "person_name", "purpose", "issued_on",
            "expected_return_on", "due_back_on", "overdue", "returned_on",
            "condition_on_return", "issued_by", "returned_by", "notes", "incident", "version"}


def detail(loan: Loan) -> str:
    return reverse("api:loan-detail", args=[loan.public_id])


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


@pytest.mark.parametrize("persona", ["siro", "dpo", "business_manager", "it_lead", "auditor",
                                     "trust_admin"])
def test_readers_list_and_read(api, personas: Personas, persona: str) -> None:
    loan = lend(make_item(personas.school, "HP-0001"),
                make_person(personas.school, "Ellie Morgan"), days_ago=20, due_in=-2)
    caller = api(getattr(personas, persona))
    body = caller.get(LIST).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == OUT_KEYS
    assert item["item_label"] == "Laptop HP-0001" and item["person_name"] == "Ellie Morgan"
    assert item["overdue"] is True and item["incident"] is None
    assert caller.get(detail(loan)).json() == item


@pytest.mark.parametrize("persona", ["iao", "dsl", "hr_admin", "data_admin", "staff",
                                     "governor"])
def test_others_may_not_read(api, personas: Personas, persona: str) -> None:
    assert api(getattr(personas, persona)).get(LIST).status_code == 403


def test_not_a_member_gets_404(api, personas: Personas) -> None:
    loan = lend(make_item(personas.school, "HP-0002"),
                make_person(personas.school, "Ellie Morgan"))
    outsider = api(personas.outsider)
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(detail(loan)).status_code == 404
    assert outsider.get(detail(loan), school="hillside").status_code == 404


def test_filters(api, personas: Personas) -> None:
    ellie, tom = (make_person(personas.school, n) for n in ("Ellie Morgan", "Tom Whitfield"))
    late = lend(make_item(personas.school, "HP-0003"), ellie, days_ago=20, due_in=-2)
    back = lend(make_item(personas.school, "HP-0004"), tom)
    services.loan_return(loan=back, actor=None)
    caller = api(personas.auditor)

    def ids(**params: Any) -> list[str]:
        return [row["id"] for row in caller.get(LIST, **params).json()["items"]]

    assert ids(status="overdue") == [str(late.public_id)]
    assert ids(status="returned") == [str(back.public_id)]
    assert ids(person=str(tom.public_id)) == [str(back.public_id)]
    assert ids(item=str(late.item.public_id)) == [str(late.public_id)]
    assert caller.get(LIST, status="lost").status_code == 422


def test_create_with_the_encryption_rule(api, personas: Personas) -> None:
    bare = make_item(personas.school, "HP-0005", encryption=Item.Encryption.NONE)
    safe = make_item(personas.school, "HP-0006")
    ellie = make_person(personas.school, "Ellie Morgan")
    caller = api(personas.it_lead)
    body = {"school": "oakfield", "item": str(bare.public_id), "person": str(ellie.public_id),
            "expected_return_on": timezone.localdate().isoformat()}
    refused = caller.send("POST", LIST, body, school=None)
    assert refused.status_code == 422
    assert "item" in json.dumps(refused.json()) and "encrypted" in json.dumps(refused.json())
    made = caller.send("POST", LIST, {**body, "item": str(safe.public_id)}, school=None)
    assert made.status_code == 201 and made.json()["item_label"] == "Laptop HP-0006"
    assert api(personas.auditor).send("POST", LIST, body, school=None).status_code == 403
    stranger = make_item(personas.other_school, "HP-0007")
    other = caller.send("POST", LIST, {**body, "item": str(stranger.public_id)}, school=None)
    assert other.status_code == 422 and Loan.objects.count() == 1


def test_patch_changes_and_returns_with_versions(api, personas: Personas) -> None:
    loan = lend(make_item(personas.school, "HP-0008"),
                make_person(personas.school, "Ellie Morgan"))
    caller = api(personas.business_manager)
    changed = caller.send("PATCH", detail(loan), {"version": 1, "purpose": "Marking"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = caller.send("PATCH", detail(loan), {"version": 1, "purpose": "Reports"})
    assert stale.status_code == 409
    today = timezone.localdate().isoformat()
    back = caller.send("PATCH", detail(loan), {"version": 2, "returned_on": today,
                                               "condition_on_return": "Good"})
    assert back.status_code == 200
    assert (back.json()["returned_on"], back.json()["condition_on_return"]) == (today, "Good")
    assert back.json()["returned_by"] == str(personas.business_manager)
    assert caller.send("PATCH", detail(loan), {"version": 3, "purpose": None}
                       ).status_code == 422
    assert api(personas.dpo).send("PATCH", detail(loan), {"version": 3, "notes": "x"}
                                  ).status_code == 403


def _populate(personas: Personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        loan = lend(make_item(personas.school, f"HP-1{n:03d}"),
                    make_person(personas.school, f"Person {n:02d}"), days_ago=20,
                    due_in=(n % 3) - 1)
        if n % 4 == 0:
            services.loan_return(loan=loan, actor=None)
        elif n % 5 == 0:
            services.loan_report_incident(loan=loan, actor=personas.business_manager,
                                          lost=True, note="Lost.")


@pytest.mark.parametrize("params", [{}, {"status": "overdue"}])
def test_list_query_count_does_not_grow(api, personas: Personas, django_assert_num_queries,
                                        params) -> None:
    caller = api(personas.auditor)
    _populate(personas, 0, 3)
    caller.get(LIST, **params)  # the token's first use is recorded
    with CaptureQueriesContext(connection) as few:
        assert caller.get(LIST, **params).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        body = caller.get(LIST, **params).json()
    if not params:
        assert body["count"] == 40 and len(body["items"]) == 40
        assert len(few) == 4  # token, schools, the page, its count
