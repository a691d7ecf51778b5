"""/api/v1/systems: reads need systems.view, writes systems.manage; not a member: 404;
versions (409 when stale); DELETE archives; writes audited; constant query counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.assertions import assert_names_last_change
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.systems import services
from schoolkeep.systems.models import System
from schoolkeep.systems.tests.records import make_asset, make_person, make_system

LIST = reverse("api:system-list")
READERS = ["siro", "dpo", "it_lead", "data_admin", "business_manager", "auditor",
           "trust_admin"]
NOT_READERS = ["iao", "dsl", "hr_admin", "staff", "governor"]
MANAGERS = ["siro", "dpo", "it_lead"]
NOT_MANAGERS = ["iao", "business_manager", "dsl", "hr_admin", "data_admin", "staff",
                "governor", "auditor", "trust_admin"]
OUT_KEYS = {"id", "name", "supplier", "kind", "kind_label", "description", "hosting",
            "mfa_required", "mfa_enabled", "mfa_for", "remote_access_method",
            "auto_logoff_minutes", "auto_logoff_checked_on", "administrators", "assets",
            "dpa_on_file", "notes", "catalogue_key", "archived_at", "version",
            "signs_in_interactively", "is_transfer_channel", "transfer_instructions"}


def detail(system: System) -> str:
    return reverse("api:system-detail", args=[system.public_id])


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def send(self, method: str, url: str, body: Any = None, school: str | None = "oakfield"
             ) -> Any:
        data = "" if body is None else json.dumps(body, default=str)
        query = f"?school={school}" if school else ""
        return self.client.generic(method, f"{url}{query}", data,
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize("persona", READERS)
def test_readers_list_and_read(api, personas: Personas, persona: str) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    system = make_system(personas, supplier="Capita", administrators=[ada])
    asset = make_asset(personas.school, "Core pupil data", system)
    caller = api(getattr(personas, persona))
    body = caller.get(LIST).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == OUT_KEYS
    assert item["name"] == "SIMS" and item["supplier"] == "Capita"
    assert item["administrators"] == [str(ada.public_id)]
    assert item["assets"] == [str(asset.public_id)]
    assert item["version"] == 1 and item["archived_at"] is None
    assert caller.get(detail(system)).json() == item


@pytest.mark.parametrize("persona", NOT_READERS)
def test_members_without_systems_view_get_403(api, personas: Personas, persona: str) -> None:
    system = make_system(personas)
    caller = api(getattr(personas, persona))
    assert caller.get(LIST).status_code == 403
    assert caller.get(detail(system)).status_code == 403


def test_non_members_get_404(api, personas: Personas) -> None:
    system = make_system(personas)
    outsider = api(personas.outsider)
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(detail(system)).status_code == 404
    assert outsider.send("PATCH", detail(system), {"version": 1, "notes": "x"}).status_code \
        == 404
    assert outsider.send("DELETE", detail(system)).status_code == 404
    body = {"school": "oakfield", "name": "Intruder"}
    assert outsider.send("POST", LIST, body, school=None).status_code == 404
    # Their own school does not reach ours either.
    assert outsider.get(detail(system), school="hillside").status_code == 404
    assert outsider.send("DELETE", detail(system), school="hillside").status_code == 404
    system.refresh_from_db()
    assert system.archived_at is None and not System.objects.filter(name="Intruder").exists()


def test_the_list_filters_and_pages(api, personas: Personas) -> None:
    make_system(personas, name="SIMS", kind="mis", supplier="Capita")
    make_system(personas, name="CPOMS", kind="safeguarding")
    old = make_system(personas, name="Old backup", kind="backup")
    services.system_archive(system=old, actor=personas.siro)
    caller = api(personas.auditor)
    names = lambda **params: [i["name"] for i in caller.get(LIST, **params).json()["items"]]  # noqa: E731
    assert names() == ["CPOMS", "SIMS"]
    assert names(kind="mis") == ["SIMS"]
    assert names(search="CAPI") == ["SIMS"]
    assert names(include_archived="true") == ["CPOMS", "Old backup", "SIMS"]
    page = caller.get(LIST, limit=1, offset=1).json()
    assert page["count"] == 2 and [i["name"] for i in page["items"]] == ["SIMS"]
    assert caller.get(LIST, limit=101).status_code == 422
    assert caller.get(LIST, kind="mainframe").status_code == 422


def test_list_query_count_does_not_grow(api, personas: Personas,
                                        django_assert_num_queries) -> None:
    caller = api(personas.it_lead)
    caller.get(LIST)  # the token's first use is audited

    def populate(start: int, count: int) -> None:
        for n in range(start, start + count):
            admin = make_person(personas.school, f"Admin {n:02d}")
            system = make_system(personas, name=f"System {n:02d}", administrators=[admin])
            make_asset(personas.school, f"Asset {n:02d}", system)

    populate(0, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(caller.get(LIST).json()["items"]) == 3
    populate(3, 37)
    with django_assert_num_queries(len(few)):
        body = caller.get(LIST).json()
    assert len(body["items"]) == body["count"] == 40
    assert all(len(item["administrators"]) == len(item["assets"]) == 1
               for item in body["items"])


# ---------------------------------------------------------------------------- writing


def test_create_carries_the_school_in_its_body_and_is_audited(api, personas: Personas) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    response = api(personas.it_lead).send("POST", LIST, {
        "school": "oakfield", "name": "  Parent   Mail ", "kind": "messaging",
        "mfa_required": True, "auto_logoff_minutes": 15,
        "auto_logoff_checked_on": "2025-01-10", "administrators": [str(ada.public_id)],
    }, school=None)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Parent Mail" and body["kind"] == "messaging"
    assert body["kind_label"] == "Messaging" and body["auto_logoff_checked_on"] == "2025-01-10"
    assert body["administrators"] == [str(ada.public_id)] and body["version"] == 1
    system = System.objects.get(public_id=body["id"])
    assert system.school == personas.school
    event = AuditEvent.objects.get(action="systems.system.created")
    assert event.actor_id == personas.it_lead.pk and event.target_id == body["id"]


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_write(api, personas: Personas, persona: str) -> None:
    caller = api(getattr(personas, persona))
    created = caller.send("POST", LIST, {"school": "oakfield", "name": "CPOMS"}, school=None)
    assert created.status_code == 201
    url = reverse("api:system-detail", args=[created.json()["id"]])
    changed = caller.send("PATCH", url, {"version": 1, "mfa_enabled": True})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert caller.send("DELETE", url).status_code == 204


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_writes_need_systems_manage(api, personas: Personas, persona: str) -> None:
    system = make_system(personas)
    caller = api(getattr(personas, persona))
    body = {"school": "oakfield", "name": "CPOMS"}
    assert caller.send("POST", LIST, body, school=None).status_code == 403
    assert caller.send("PATCH", detail(system), {"version": 1, "notes": "x"}).status_code \
        == 403
    assert caller.send("DELETE", detail(system)).status_code == 403
    system.refresh_from_db()
    assert system.version == 1 and system.archived_at is None
    assert System.objects.count() == 1


def test_a_create_without_a_school_in_its_body_is_422(api, personas: Personas) -> None:
    response = api(personas.siro).send("POST", LIST, {"name": "CPOMS"})
    assert response.status_code == 422
    assert any(item["loc"][-1] == "school" for item in response.json()["detail"])


def test_errors_name_the_field(api, personas: Personas) -> None:
    make_system(personas, name="SIMS")
    caller = api(personas.siro)
    clash = caller.send("POST", LIST, {"school": "oakfield", "name": "sims"}, school=None)
    assert clash.status_code == 422
    assert clash.json()["detail"][0]["loc"] == ["body", "name"]
    stranger = make_person(personas.other_school, "Hal Hillside")
    wrong = caller.send("POST", LIST, {"school": "oakfield", "name": "FMS",
                                       "administrators": [str(stranger.public_id)]},
                        school=None)
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "administrators"]
    extra = caller.send("POST", LIST, {"school": "oakfield", "name": "FMS", "colour": "red"},
                        school=None)
    assert extra.status_code == 422
    future = caller.send("POST", LIST, {"school": "oakfield", "name": "FMS",
                                        "auto_logoff_checked_on": "2999-01-01"}, school=None)
    assert future.json()["detail"][0]["loc"] == ["body", "auto_logoff_checked_on"]
    assert System.objects.count() == 1


def test_patch_changes_only_what_is_sent_and_409_when_stale(api, personas: Personas) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    system = make_system(personas, supplier="Capita", auto_logoff_minutes=10)
    caller = api(personas.dpo)
    response = caller.send("PATCH", detail(system), {
        "version": 1, "notes": "Checked", "administrators": [str(ada.public_id)],
        "auto_logoff_minutes": None})
    assert response.status_code == 200
    body = response.json()
    assert body["supplier"] == "Capita" and body["notes"] == "Checked"
    assert body["administrators"] == [str(ada.public_id)]
    assert body["auto_logoff_minutes"] is None and body["version"] == 2
    stale = caller.send("PATCH", detail(system), {"version": 1, "notes": "Older"})
    assert stale.status_code == 409
    assert "Someone else changed this system" in stale.json()["detail"]
    assert_names_last_change(stale.json()["detail"], system)
    assert caller.send("PATCH", detail(system), {"version": 2, "name": None}).status_code \
        == 422
    system.refresh_from_db()
    assert system.notes == "Checked" and system.version == 2


def test_delete_archives_and_keeps_the_history(api, personas: Personas) -> None:
    system = make_system(personas)
    caller = api(personas.it_lead)
    assert caller.send("DELETE", detail(system)).status_code == 204
    system.refresh_from_db()
    assert system.archived_at is not None
    assert caller.get(LIST).json()["count"] == 0
    body = caller.get(detail(system)).json()
    assert body["archived_at"] is not None
    assert caller.send("DELETE", detail(system)).status_code == 204
    assert AuditEvent.objects.filter(action="systems.system.archived").count() == 1
    assert AuditEvent.objects.filter(target_id=str(system.public_id)).count() == 2
    changed = caller.send("PATCH", detail(system), {"version": 2, "notes": "late"})
    assert changed.status_code == 422


def test_the_openapi_document_describes_the_systems_endpoints(client, db) -> None:
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    assert set(paths["/api/v1/systems"]) == {"get", "post"}
    assert set(paths["/api/v1/systems/{system_id}"]) == {"get", "patch", "delete"}
    assert paths["/api/v1/systems"]["get"]["security"] == [{"TokenAuth": []}]
