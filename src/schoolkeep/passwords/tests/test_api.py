"""/api/v1/password-cycles: the list with holders, last attestation and due date; POST
attestations by the person or a manager; scoping (404), permissions (403), constant queries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolkeep.accounts.services import token_create
from schoolkeep.passwords.models import PasswordChange
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
LIST = reverse("api:password-cycle-list")
TODAY = timezone.localdate


def attest_url(cycle) -> str:
    return reverse("api:password-cycle-attest", args=[cycle.public_id])


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def post(self, url: str, body: Any, school: str = "oakfield") -> Any:
        return self.client.generic("POST", f"{url}?school={school}",
                                   json.dumps(body, default=str),
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


def test_the_list_gives_each_holders_last_attestation_and_due_date(api, personas):
    school = personas.school
    sims = rec.system(school)
    sofia = rec.person(school, "Sofia Novak")
    made = rec.cycle(school, sims, holders=[sofia], cadence="every_n_days", every_days=90,
                     starts_on=TODAY() - timedelta(days=100))
    rec.changed(school, sims, sofia, TODAY() - timedelta(days=10))
    body = api(personas.auditor).get(LIST).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == str(made.public_id) and item["system_name"] == "SIMS"
    assert item["holders"] == [{
        "person": str(sofia.public_id), "name": "Sofia Novak",
        "last_changed_on": str(TODAY() - timedelta(days=10)),
        "due_on": str(TODAY() + timedelta(days=80)), "due_on_estimated": False,
        "overdue": False, "reason": "every_n_days"}]
    assert "password\"" not in json.dumps(body)


def test_staff_cannot_list_and_outsiders_get_404(api, personas):
    assert api(personas.staff).get(LIST).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404


def test_a_holder_attests_for_themselves_and_a_manager_for_anyone(api, personas):
    school = personas.school
    sims = rec.system(school)
    me = rec.person(school, "Sofia Novak", user=personas.staff)
    other = rec.person(school, "Grace Adeyemi")
    made = rec.cycle(school, sims, holders=[me, other])
    response = api(personas.staff).post(attest_url(made), {"person": str(me.public_id)})
    assert response.status_code == 201, response.content
    assert response.json()["via"] == "api" and response.json()["changed_on"] == str(TODAY())
    refused = api(personas.staff).post(attest_url(made), {"person": str(other.public_id)})
    assert refused.status_code == 403
    done = api(personas.it_lead).post(attest_url(made), {
        "person": str(other.public_id), "changed_on": str(TODAY() - timedelta(days=2))})
    assert done.status_code == 201
    assert PasswordChange.objects.count() == 2


def test_a_bad_day_is_422_naming_the_field_and_another_schools_cycle_404(api, personas):
    school = personas.school
    sims = rec.system(school)
    me = rec.person(school, "Sofia Novak", user=personas.staff)
    made = rec.cycle(school, sims, holders=[me])
    future = api(personas.staff).post(attest_url(made), {
        "person": str(me.public_id), "changed_on": str(TODAY() + timedelta(days=1))})
    assert future.status_code == 422 and "changed_on" in future.content.decode()
    other = personas.other_school
    theirs = rec.cycle(other, rec.system(other), holders=[rec.person(other, "Them")])
    assert api(personas.it_lead).post(attest_url(theirs), {
        "person": str(me.public_id)}).status_code == 404
    assert not PasswordChange.objects.exists()


def test_list_query_count_does_not_grow(api, personas, django_assert_num_queries):
    school = personas.school
    caller = api(personas.it_lead)
    caller.get(LIST)

    def fill(start, count):
        for n in range(start, start + count):
            system = rec.system(school, f"System {n:02d}")
            person = rec.person(school, f"Holder {n:02d}")
            rec.cycle(school, system, holders=[person],
                      cadence="termly" if n % 2 else "yearly")
            rec.changed(school, system, person, TODAY() - timedelta(days=n))

    fill(0, 3)
    caller.get(LIST)  # the first read saves the estimated term dates it needs
    with CaptureQueriesContext(connection) as few:
        assert len(caller.get(LIST).json()["items"]) == 3
    fill(3, 37)
    with django_assert_num_queries(len(few)):
        body = caller.get(LIST).json()
    assert body["count"] == 40 and len(body["items"]) == 40
