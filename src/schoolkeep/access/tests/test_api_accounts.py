"""/api/v1/accounts: reads need access.view, writes access.manage; not a member: 404;
filters; unknown facts stay null; versions (409 when stale); writes audited; the list's
query count the same at 3 and 40 rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts import services
from schoolkeep.access.models import SystemAccount
from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.systems.tests.records import make_person, make_system

pytestmark = pytest.mark.django_db
LIST = reverse("api:account-list")
READERS = ["siro", "dpo", "it_lead", "business_manager", "auditor", "trust_admin"]
NOT_READERS = ["iao", "dsl", "hr_admin", "data_admin", "staff", "governor"]
MANAGERS = ["siro", "it_lead"]
OUT_KEYS = {"id", "system", "system_name", "username", "display_name", "email", "person",
            "matched_by", "is_shared", "shared_reason", "responsible_person", "shared_with",
            "is_admin", "mfa_on", "enabled", "enabled_on", "disabled_on", "last_sign_in_at",
            "dbs_exception", "source", "listed_at", "missing_from_list_at", "version"}


def detail(account: SystemAccount) -> str:
    return reverse("api:account-detail", args=[account.public_id])


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


def add(personas: Personas, system, username: str, **fields) -> SystemAccount:
    return services.account_create(school=personas.school, actor=None, system=system,
                                   username=username, **fields)


@pytest.mark.parametrize("persona", READERS)
def test_readers_list_and_read(api, personas: Personas, persona: str) -> None:
    sims = make_system(personas)
    ada, bob = make_person(personas.school, "Ada Lovelace"), make_person(personas.school,
                                                                          "Bob Smith")
    account = add(personas, sims, "office", is_shared=True, display_name="Office",
                  responsible_person=ada, shared_with=[bob], is_admin=True)
    caller = api(getattr(personas, persona))
    body = caller.get(LIST).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == OUT_KEYS
    assert item["system"] == str(sims.public_id) and item["system_name"] == "SIMS"
    assert item["responsible_person"] == str(ada.public_id) and item["person"] is None
    assert item["shared_with"] == [str(bob.public_id)]
    assert item["is_admin"] is True and item["mfa_on"] is None and item["version"] == 1
    assert caller.get(detail(account)).json() == item


@pytest.mark.parametrize("persona", NOT_READERS)
def test_others_may_not_read(api, personas: Personas, persona: str) -> None:
    assert api(getattr(personas, persona)).get(LIST).status_code == 403


def test_outsider_gets_404(api, personas: Personas) -> None:
    account = add(personas, make_system(personas), "ada")
    caller = api(personas.outsider)
    assert caller.get(LIST).status_code == 404
    assert caller.get(detail(account)).status_code == 404
    assert caller.get(detail(account), school="hillside").status_code == 404
    assert caller.send("PATCH", detail(account), {"version": 1, "mfa_on": True},
                       school="hillside").status_code == 404


def test_filters(api, personas: Personas) -> None:
    sims, rdp = make_system(personas), make_system(personas, name="RDP")
    ada = make_person(personas.school, "Ada Lovelace")
    add(personas, sims, "ada", person=ada, is_admin=False)
    add(personas, rdp, "ada.admin", person=ada, is_admin=True)
    other = add(personas, sims, "ghost")
    services.account_disable(account=other, actor=None)
    caller = api(personas.auditor)

    def usernames(**params: Any) -> list[str]:
        return [item["username"] for item in caller.get(LIST, **params).json()["items"]]

    assert usernames() == ["ada.admin", "ada", "ghost"]  # by system (RDP, SIMS), username
    assert usernames(system=str(rdp.public_id)) == ["ada.admin"]
    assert usernames(person=str(ada.public_id)) == ["ada.admin", "ada"]
    assert usernames(admin="true") == ["ada.admin"]
    assert usernames(admin="false") == ["ada"]
    assert usernames(enabled="false") == ["ghost"]
    assert usernames(search="ADMIN") == ["ada.admin"]
    stranger = make_person(personas.other_school, "Eve Other")
    assert usernames(person=str(stranger.public_id)) == []


def test_create_leaves_facts_unknown_and_audits(api, personas: Personas) -> None:
    sims = make_system(personas)
    ada = make_person(personas.school, "Ada Lovelace")
    response = api(personas.it_lead).send("POST", LIST, {
        "school": "oakfield", "system": str(sims.public_id), "username": "ada",
        "person": str(ada.public_id), "enabled_on": "2026-09-01"}, school=None)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_admin"] is None and body["mfa_on"] is None and body["enabled"] is None
    assert body["person"] == str(ada.public_id) and body["source"] == "api"
    assert body["matched_by"] == "hand" and body["enabled_on"] == "2026-09-01"
    (event,) = AuditEvent.objects.filter(action="access.account.created")
    assert event.actor_id == personas.it_lead.pk


@pytest.mark.parametrize(("body", "field"), [
    ({"username": " "}, "username"),
    ({"username": "ada", "person": "00000000-0000-0000-0000-000000000000"}, "person"),
    ({"username": "ada", "is_shared": True, "display_name": "Office"}, "responsible_person"),
    ({"username": "ada", "is_shared": None}, "is_shared"),
])
def test_create_refusals_name_the_field(api, personas: Personas, body, field) -> None:
    sims = make_system(personas)
    response = api(personas.siro).send("POST", LIST, {
        "school": "oakfield", "system": str(sims.public_id), **body}, school=None)
    assert response.status_code == 422
    assert field in json.dumps(response.json())
    assert not SystemAccount.objects.exists()


def test_create_on_another_schools_system_is_refused(api, personas: Personas) -> None:
    sims = make_system(personas)
    sims.school = personas.other_school
    sims.save()
    response = api(personas.siro).send("POST", LIST, {
        "school": "oakfield", "system": str(sims.public_id), "username": "x"}, school=None)
    assert response.status_code == 422 and not SystemAccount.objects.exists()


@pytest.mark.parametrize("persona", ["dpo", "auditor", "business_manager", "trust_admin"])
def test_read_only_roles_may_not_write(api, personas: Personas, persona: str) -> None:
    sims = make_system(personas)
    account = add(personas, sims, "ada")
    caller = api(getattr(personas, persona))
    assert caller.send("POST", LIST, {"school": "oakfield", "system": str(sims.public_id),
                                      "username": "bob"}, school=None).status_code == 403
    assert caller.send("PATCH", detail(account), {"version": 1,
                                                  "mfa_on": True}).status_code == 403
    account.refresh_from_db()
    assert account.mfa_on is None and SystemAccount.objects.count() == 1


def test_patch_checks_the_version_and_null_means_unknown(api, personas: Personas) -> None:
    account = add(personas, make_system(personas), "ada", is_admin=True, mfa_on=False)
    caller = api(personas.it_lead)
    response = caller.send("PATCH", detail(account), {"version": 1, "mfa_on": None})
    assert response.status_code == 200 and response.json()["mfa_on"] is None
    assert response.json()["version"] == 2 and response.json()["is_admin"] is True
    stale = caller.send("PATCH", detail(account), {"version": 1, "mfa_on": True})
    assert stale.status_code == 409
    refused = caller.send("PATCH", detail(account), {"version": 2, "username": None})
    assert refused.status_code == 422
    account.refresh_from_db()
    assert account.mfa_on is None and account.version == 2


def _populate(personas: Personas, start: int, count: int) -> None:
    sims = make_system(personas, name=f"System {start}")
    people = [make_person(personas.school, f"Person {n:02d}") for n in range(start,
                                                                             start + count)]
    for n, person in enumerate(people, start=start):
        if n % 3:
            add(personas, sims, f"user{n:02d}", person=person, is_admin=bool(n % 2),
                last_sign_in_at=timezone.now())
        else:
            add(personas, sims, f"shared{n:02d}", is_shared=True, display_name="Shared",
                responsible_person=person, shared_with=people[:3])


@pytest.mark.parametrize("params", [{}, {"admin": "true", "enabled": "true"}])
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
        # token, schools, count, the page's ids, their rows, who uses the shared ones
        assert body["count"] == 40 and len(few) == 6
