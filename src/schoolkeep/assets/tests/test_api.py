"""/api/v1/assets: scoping, who may read and write (the owner of an asset included), the
register's filters, the fields and their shapes, writes through the services (audited),
versions, archiving, and the conventions of DESIGN.md."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.assertions import assert_names_last_change
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.assets import services
from schoolkeep.assets.models import AccessLabel, Asset, AssetGroup, OutsideOrganisation
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.privacy.schedule.models import LegacyRetentionText
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_archive, system_create

LIST = reverse("api:asset-list")
KEYS = {
    "id", "name", "group", "description", "owner", "access_labels", "purpose", "lawful_basis",
    "article9_condition", "data_subjects", "personal_data", "special_category_data",
    "children_data", "classification", "classification_note", "systems", "held_on_paper",
    "held_elsewhere", "record_types", "retention_period", "destruction_method", "recipients",
    "transfers_outside_uk", "transfer_safeguards", "security_measures", "dpia", "dpia_state",
    "dpia_needed", "dpia_done_on", "last_reviewed_on", "next_review_on", "archived_at", "version",
}
MANAGERS = ["siro", "dpo", "data_admin"]
OTHERS = ["iao", "business_manager", "it_lead", "dsl", "hr_admin", "staff", "governor",
          "auditor", "trust_admin"]


def detail(asset: Asset) -> str:
    return reverse("api:asset-detail", args=[asset.public_id])


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: Any, *, read_only: bool = False) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test", read_only=read_only)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def send(self, method: str, url: str, body: Any = None, school: str = "oakfield") -> Any:
        data = "" if body is None else json.dumps(body, default=str)
        query = "" if url == LIST and method == "POST" else f"?school={school}"
        return self.client.generic(method, f"{url}{query}", data,
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user, **kw: Api(client, user, **kw)


def add(school: Any, name: str, group: str = "Pupil data (MIS)", **fields: Any) -> Asset:
    found = services.group_get_or_create(school=school, name=group, actor=None)
    return services.asset_create(school=school, actor=None, group=found, name=name, **fields)


@pytest.fixture
def owner(personas: Personas) -> Person:
    """The person linked to the information asset owner persona's account."""
    person = person_create(school=personas.school, actor=None, full_name="Tom Whitfield",
                           kind=PersonKind.TEACHING)
    return person_link_account(person=person, actor=None, user=personas.iao)


@pytest.fixture
def sims(personas: Personas) -> System:
    return system_create(school=personas.school, actor=None, name="SIMS", kind="mis")


@pytest.fixture
def core(personas: Personas, owner: Person, sims: System) -> Asset:
    return add(personas.school, "Core pupil data", owner_person=owner,
               access_labels=["Pupil Data Administrator", "Headteacher"],
               purpose="Teaching and learning", classification="official_sensitive",
               lawful_basis="public_task", data_subjects=["pupils", "parents"],
               systems=[sims], children_data=True, last_reviewed_on=date(2025, 9, 1))


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


# --- scoping -----------------------------------------------------------------------------


def test_a_school_one_is_not_member_of_is_404(api, personas, core):
    outsider = api(personas.outsider)
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(LIST, school="nowhere").status_code == 404
    assert outsider.get(detail(core)).status_code == 404
    assert outsider.send("PATCH", detail(core), {"version": 1, "purpose": "x"}).status_code \
        == 404
    assert outsider.send("DELETE", detail(core)).status_code == 404
    body = {"school": "oakfield", "name": "Mine", "group": "Theirs"}
    assert outsider.send("POST", LIST, body).status_code == 404
    assert not Asset.objects.filter(name="Mine").exists()


def test_another_schools_asset_is_404_even_for_its_own_siro(api, personas):
    theirs = add(personas.other_school, "Hillside pupils")
    siro = api(personas.siro)
    assert siro.get(detail(theirs)).status_code == 404
    assert siro.send("DELETE", detail(theirs)).status_code == 404
    assert siro.send("PATCH", detail(theirs), {"version": 1, "purpose": "x"}).status_code == 404
    assert api(personas.outsider).get(detail(theirs), school="hillside").status_code == 200


def test_without_a_token_it_is_401(client, personas):
    assert client.get(LIST, {"school": "oakfield"}).status_code == 401


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*MANAGERS, *OTHERS])
def test_every_member_reads_the_register(api, personas, core, persona):
    client = api(personas.users[persona])
    assert names(client.get(LIST)) == ["Core pupil data"]
    assert client.get(detail(core)).status_code == 200


def test_an_asset_has_the_models_fields(api, personas, core, owner, sims):
    body = api(personas.staff).get(detail(core)).json()
    assert set(body) == KEYS
    assert body["group"] == "Pupil data (MIS)"
    assert body["owner"] == {"person": str(owner.public_id), "organisation": None,
                             "unmatched": None, "name": "Tom Whitfield"}
    assert body["access_labels"] == ["Pupil Data Administrator", "Headteacher"]
    assert body["systems"] == [str(sims.public_id)]
    assert body["data_subjects"] == ["pupils", "parents"]
    assert (body["classification"], body["lawful_basis"], body["article9_condition"]) == (
        "official_sensitive", "public_task", "")
    assert (body["children_data"], body["dpia_needed"], body["last_reviewed_on"]) == (
        True, None, "2025-09-01")
    assert (body["archived_at"], body["version"]) == (None, 1)


def test_owners_of_each_kind_are_one_object(api, personas):
    add(personas.school, "CCTV footage", group="Other",
        owner_organisation=services.organisation_get_or_create(
            school=personas.school, name="CCTV support company", actor=None))
    add(personas.school, "Governors' papers", group="Other", owner_unmatched="Ms Unknown")
    add(personas.school, "Visitor book", group="Other")
    items = {i["name"]: i["owner"] for i in api(personas.staff).get(LIST).json()["items"]}
    assert items == {
        "CCTV footage": {"person": None, "organisation": "CCTV support company",
                         "unmatched": None, "name": "CCTV support company"},
        "Governors' papers": {"person": None, "organisation": None, "unmatched": "Ms Unknown",
                              "name": "Ms Unknown"},
        "Visitor book": None,
    }


def test_list_pages_with_items_and_count(api, personas):
    for n in range(7):
        add(personas.school, f"Asset {n:02d}")
    body = api(personas.staff).get(LIST, limit=3, offset=2).json()
    assert body["count"] == 7
    assert [item["name"] for item in body["items"]] == ["Asset 02", "Asset 03", "Asset 04"]


@pytest.mark.parametrize("query", [{"limit": 101}, {"limit": 0}, {"offset": -1},
                                   {"classification": "restricted"}, {"owner": "someone"},
                                   {"system": "sims"}])
def test_list_parameters_are_checked(api, personas, query):
    assert api(personas.staff).get(LIST, **query).status_code == 422


def test_list_filters_as_the_register_page(api, personas, core, owner, sims):
    cctv = services.organisation_get_or_create(school=personas.school,
                                               name="CCTV support company", actor=None)
    add(personas.school, "CCTV footage", group="Other", owner_organisation=cctv,
        purpose="Safety and security", classification="official")
    add(personas.school, "Staff files", group="Staff data", owner_unmatched="Ms Unknown")
    add(personas.school, "Visitor book", group="Other", description="Signed in at reception")
    staff = api(personas.staff)
    assert names(staff.get(LIST, group="other")) == ["CCTV footage", "Visitor book"]
    assert names(staff.get(LIST, group="no such group")) == []
    assert names(staff.get(LIST, owner=str(owner.public_id))) == ["Core pupil data"]
    assert names(staff.get(LIST, owner=str(cctv.public_id))) == ["CCTV footage"]
    assert names(staff.get(LIST, owner="unmatched")) == ["Staff files"]
    assert names(staff.get(LIST, owner="none")) == ["Visitor book"]
    assert names(staff.get(LIST, owner="6f1c1f8e-1111-4a4a-9b9b-123456789abc")) == []
    assert names(staff.get(LIST, classification="official_sensitive")) == ["Core pupil data"]
    # By group (in the order the groups were added), then by name.
    assert names(staff.get(LIST, classification="unclassified")) == ["Visitor book",
                                                                      "Staff files"]
    assert names(staff.get(LIST, system=str(sims.public_id))) == ["Core pupil data"]
    assert names(staff.get(LIST, search="RECEPTION")) == ["Visitor book"]
    assert names(staff.get(LIST, search="security")) == ["CCTV footage"]
    assert names(staff.get(LIST, search="cctv", group="Other",
                           classification="official")) == ["CCTV footage"]


def test_another_schools_person_or_system_filters_nothing(api, personas, core):
    theirs = system_create(school=personas.other_school, actor=None, name="SIMS")
    assert names(api(personas.staff).get(LIST, system=str(theirs.public_id))) == []


def test_list_query_count_does_not_grow(api, personas, owner, sims, django_assert_num_queries):
    egress = system_create(school=personas.school, actor=None, name="Egress")
    staff = api(personas.staff)
    staff.get(LIST)  # the token's first use is audited

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            add(personas.school, f"Asset {i:02d}", group=f"Group {i % 4}",
                owner_person=owner if i % 2 else None,
                owner_unmatched="" if i % 2 else f"Name {i}",
                access_labels=[f"Label {i % 5}", "Headteacher"],
                systems=[sims, egress] if i % 3 else [sims])

    make(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(staff.get(LIST).json()["items"]) == 3
    make(37, 3)
    with django_assert_num_queries(len(few)):
        body = staff.get(LIST).json()
    assert len(body["items"]) == body["count"] == 40
    with CaptureQueriesContext(connection) as filtered:
        staff.get(LIST, group="group 1", owner=str(owner.public_id), system=str(sims.public_id))
    assert len(filtered) <= len(few) + 3  # one look-up per filter named


# --- create ------------------------------------------------------------------------------


def test_create_writes_through_the_services_and_is_audited(api, personas, owner, sims):
    response = api(personas.data_admin).send("POST", LIST, {
        "school": "oakfield", "name": "  Attendance ", "group": "Pupil data (MIS)",
        "owner": {"person": str(owner.public_id)},
        "access_labels": ["Pupil Data Administrator", "pupil data administrator", "Head"],
        "purpose": "Statutory returns", "classification": "official_sensitive",
        "lawful_basis": "legal_obligation", "systems": [str(sims.public_id)],
        "data_subjects": ["pupils"], "last_reviewed_on": "2025-10-01",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["group"], body["version"]) == ("Attendance",
                                                              "Pupil data (MIS)", 1)
    assert body["access_labels"] == ["Pupil Data Administrator", "Head"]
    assert body["owner"]["person"] == str(owner.public_id)
    assert body["systems"] == [str(sims.public_id)]
    asset = Asset.objects.get(public_id=body["id"])
    assert asset.school == personas.school and asset.name_key == "attendance"
    event = AuditEvent.objects.get(action="assets.asset.created", target_id=body["id"])
    assert event.actor_id == personas.data_admin.pk
    assert AuditEvent.objects.filter(action="assets.group.created").count() == 1
    assert AccessLabel.objects.filter(school=personas.school).count() == 2


def test_create_adds_a_new_organisation_and_keeps_an_unmatched_name(api, personas):
    siro = api(personas.siro)
    made = siro.send("POST", LIST, {"school": "oakfield", "name": "Off-site backup",
                                    "group": "Disaster recovery",
                                    "owner": {"organisation": "RedStor"}})
    assert made.status_code == 201, made.content
    assert made.json()["owner"]["organisation"] == "RedStor"
    assert OutsideOrganisation.objects.filter(school=personas.school, name="RedStor").exists()
    again = siro.send("POST", LIST, {"school": "oakfield", "name": "Backup logs",
                                     "group": "disaster RECOVERY",
                                     "owner": {"organisation": "redstor"}})
    assert again.json()["group"] == "Disaster recovery"
    assert OutsideOrganisation.objects.filter(school=personas.school).count() == 1
    assert AssetGroup.objects.filter(school=personas.school).count() == 1
    unmatched = siro.send("POST", LIST, {"school": "oakfield", "name": "Payroll",
                                         "group": "Staff", "owner": {"unmatched": "D. Marsh"}})
    assert unmatched.json()["owner"]["unmatched"] == "D. Marsh"


@pytest.mark.parametrize(("body", "field"), [
    ({"group": "G"}, "name"),
    ({"name": "A"}, "group"),
    ({"name": "", "group": "G"}, "name"),
    ({"name": "A", "group": "G", "classification": "restricted"}, "classification"),
    ({"name": "A", "group": "G", "lawful_basis": "because"}, "lawful_basis"),
    ({"name": "A", "group": "G", "data_subjects": ["pets"]}, "data_subjects"),
    ({"name": "A", "group": "G", "favourite_colour": "red"}, "favourite_colour"),
    ({"name": "A", "group": "G", "systems": ["6f1c1f8e-1111-4a4a-9b9b-123456789abc"]},
     "systems"),
    ({"name": "A", "group": "G", "owner": {"person": "6f1c1f8e-1111-4a4a-9b9b-123456789abc"}},
     "owner"),
    ({"name": "A", "group": "G", "owner": {"unmatched": "X", "organisation": "Y"}}, "owner"),
    ({"name": "A", "group": "G", "owner": {}}, "owner"),
    ({"name": "A", "group": "G", "last_reviewed_on": "2999-01-01"}, "last_reviewed_on"),
    ({"name": "A", "group": "G", "article9_condition": "employment"}, "article9_condition"),
    ({"name": "A", "group": "G", "purpose": None}, "purpose"),
])
def test_create_errors_are_422_naming_the_field_and_save_nothing(api, personas, body, field):
    response = api(personas.siro).send("POST", LIST, {"school": "oakfield", **body})
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert field in error["loc"]
    assert error["msg"]
    assert not Asset.objects.exists()
    assert not AssetGroup.objects.exists()  # the group is not kept without its asset
    assert not OutsideOrganisation.objects.exists()


def test_a_name_taken_in_the_group_is_422(api, personas, core):
    response = api(personas.siro).send("POST", LIST, {"school": "oakfield",
                                                      "name": "CORE pupil data",
                                                      "group": "pupil data (mis)"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_an_archived_system_cannot_be_chosen(api, personas, sims):
    system_archive(system=sims, actor=None)
    response = api(personas.siro).send("POST", LIST, {
        "school": "oakfield", "name": "A", "group": "G", "systems": [str(sims.public_id)]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "systems"]


# --- who may write -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_siro_dpo_and_data_administrator_write_any_asset(api, personas, core, persona):
    client = api(personas.users[persona])
    created = client.send("POST", LIST, {"school": "oakfield", "name": f"By {persona}",
                                         "group": "G"})
    assert created.status_code == 201
    changed = client.send("PATCH", detail(core), {"version": 1, "purpose": "Reports"})
    assert changed.status_code == 200
    assert client.send("DELETE", detail(core)).status_code == 204


@pytest.mark.parametrize("persona", OTHERS)
def test_other_roles_get_403_on_writes_to_an_asset_they_do_not_own(api, personas, persona):
    theirs = add(personas.school, "Staff files", group="Staff data")
    client = api(personas.users[persona])
    body = {"school": "oakfield", "name": "Mine", "group": "G"}
    assert client.send("POST", LIST, body).status_code == 403
    assert client.send("PATCH", detail(theirs), {"version": 1, "purpose": "x"}).status_code \
        == 403
    assert client.send("DELETE", detail(theirs)).status_code == 403
    theirs.refresh_from_db()
    assert (theirs.purpose, theirs.archived_at, theirs.version) == ("", None, 1)
    assert not AssetGroup.objects.filter(name="G").exists()


def test_the_owner_changes_their_own_asset_but_not_its_owner(api, personas, core):
    iao = api(personas.users["iao"])
    response = iao.send("PATCH", detail(core), {
        "version": 1, "purpose": "Teaching, learning and statutory returns",
        "access_labels": ["Pupil Data Administrator"], "last_reviewed_on": "2026-01-05"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["purpose"], body["version"]) == ("Teaching, learning and statutory returns", 2)
    assert body["access_labels"] == ["Pupil Data Administrator"]
    event = AuditEvent.objects.get(action="assets.asset.updated")
    assert event.actor_id == personas.iao.pk
    give_away = iao.send("PATCH", detail(core), {"version": 2, "owner": {"unmatched": "Bob"}})
    assert give_away.status_code == 403
    assert iao.send("DELETE", detail(core)).status_code == 403
    core.refresh_from_db()
    assert (core.owner_unmatched, core.version, core.archived_at) == ("", 2, None)


def test_an_owner_in_a_read_only_role_may_not_write(api, personas):
    person = person_create(school=personas.school, actor=None, full_name="Auditor Person",
                           kind=PersonKind.SUPPORT)
    person = person_link_account(person=person, actor=None, user=personas.auditor)
    theirs = add(personas.school, "Audit notes", owner_person=person)
    response = api(personas.auditor).send("PATCH", detail(theirs),
                                          {"version": 1, "purpose": "x"})
    assert response.status_code == 403


def test_a_read_only_token_gets_403_on_writes(api, personas, core):
    client = api(personas.siro, read_only=True)
    assert client.get(LIST).status_code == 200
    assert client.send("POST", LIST, {"school": "oakfield", "name": "A",
                                      "group": "G"}).status_code == 403
    assert client.send("PATCH", detail(core), {"version": 1, "purpose": "x"}).status_code \
        == 403
    assert client.send("DELETE", detail(core)).status_code == 403


# --- update ------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_bumps_the_version(api, personas, core, owner):
    response = api(personas.dpo).send("PATCH", detail(core), {
        "version": 1, "group": "Core records", "owner": {"organisation": "MIS support"}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["group"], body["owner"]["organisation"], body["version"]) == (
        "Core records", "MIS support", 2)
    assert (body["purpose"], body["access_labels"]) == (
        "Teaching and learning", ["Pupil Data Administrator", "Headteacher"])
    event = AuditEvent.objects.get(action="assets.asset.updated")
    assert event.changes["owner_person"] == {"before": "Tom Whitfield", "after": ""}
    assert event.changes["group"] == {"before": "Pupil data (MIS)", "after": "Core records"}
    cleared = api(personas.dpo).send("PATCH", detail(core), {
        "version": 2, "owner": None, "last_reviewed_on": None, "systems": []})
    assert cleared.status_code == 200
    assert (cleared.json()["owner"], cleared.json()["last_reviewed_on"],
            cleared.json()["systems"]) == (None, None, [])


def test_a_stale_version_is_409_and_changes_nothing(api, personas, core):
    siro = api(personas.siro)
    assert siro.send("PATCH", detail(core), {"version": 1, "purpose": "One"}).status_code == 200
    response = siro.send("PATCH", detail(core), {"version": 1, "purpose": "Two"})
    assert response.status_code == 409
    assert "Someone else changed this asset" in response.json()["detail"]
    assert_names_last_change(response.json()["detail"], core)
    core.refresh_from_db()
    assert (core.purpose, core.version) == ("One", 2)


def test_a_stale_version_leaves_no_new_group_behind(api, personas, core):
    response = api(personas.siro).send("PATCH", detail(core), {"version": 7, "group": "New"})
    assert response.status_code == 409
    assert not AssetGroup.objects.filter(name="New").exists()


def test_patch_needs_a_version_and_valid_values(api, personas, core):
    siro = api(personas.siro)
    response = siro.send("PATCH", detail(core), {"purpose": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "version"
    response = siro.send("PATCH", detail(core), {"version": 1, "name": ""})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "name"],
                                          "msg": "Enter the name of the asset."}]
    response = siro.send("PATCH", detail(core), {"version": 1, "classification": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "classification"]


# --- archive -----------------------------------------------------------------------------


def test_delete_archives_and_keeps_the_history(api, personas, core):
    siro = api(personas.siro)
    response = siro.send("DELETE", detail(core))
    assert response.status_code == 204
    assert response.content == b""
    core.refresh_from_db()
    assert core.archived_at is not None
    assert siro.get(LIST).json()["count"] == 0
    assert names(siro.get(LIST, include_archived="true")) == ["Core pupil data"]
    body = siro.get(detail(core)).json()
    assert body["archived_at"] is not None and body["version"] == 2
    assert AuditEvent.objects.filter(target_id=str(core.public_id)).count() == 2
    assert siro.send("DELETE", detail(core)).status_code == 204  # again: unchanged
    assert AuditEvent.objects.filter(action="assets.asset.archived").count() == 1
    late = siro.send("PATCH", detail(core), {"version": 2, "purpose": "x"})
    assert late.status_code == 422


# --- the document ------------------------------------------------------------------------


def test_the_openapi_document_describes_the_asset_endpoints(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    paths = document["paths"]
    assert set(paths["/api/v1/assets"]) == {"get", "post"}
    assert set(paths["/api/v1/assets/{asset_id}"]) == {"get", "patch", "delete"}
    assert paths["/api/v1/assets"]["get"]["security"] == [{"TokenAuth": []}]
    owner = document["components"]["schemas"]["AssetIn"]["properties"]["owner"]
    assert '{"person": <id>}' in owner["description"]
    parameters = {p["name"] for p in paths["/api/v1/assets"]["get"]["parameters"]}
    assert {"school", "group", "owner", "classification", "system", "search", "limit",
            "offset"} <= parameters


def test_each_list_item_equals_the_assets_own_answer(api: Any, personas: Personas, core: Asset,
                                                sims: Any) -> None:
    """The list reads a page as values; the answer of one asset reads its model."""
    school = personas.school
    company = services.organisation_get_or_create(school=school, name="RedStor", actor=None)
    backups = add(school, "Backups", owner_organisation=company, systems=[sims],
                  access_labels=["Office"])
    Dpia.objects.create(school=school, asset=backups, legacy=True, screening_required=True,
                        state="signed_off", signed_off_on=date(2026, 1, 5))
    LegacyRetentionText.objects.create(asset=backups, text="Seven years")
    add(school, "Old files", owner_unmatched="Mrs Smith", group="Archive", held_on_paper=True)
    gone = add(school, "Leavers", group="Archive")
    services.asset_archive(asset=gone, actor=None)
    add(school, "Visitors' book")
    siro = api(personas.siro)
    listed = siro.get(LIST, include_archived="true").json()
    assert listed["count"] == 5
    for item in listed["items"]:
        one = siro.get(detail(Asset.objects.get(public_id=item["id"]))).json()
        assert item == one
    owners = {item["name"]: item["owner"] for item in listed["items"]}
    assert owners["Visitors' book"] is None
    assert owners["Backups"]["organisation"] == "RedStor"
    assert owners["Old files"]["unmatched"] == "Mrs Smith"
    assert owners["Core pupil data"]["name"] == "Tom Whitfield"
