"""/api/v1/people: scoping, permissions, field visibility per role, writes through the
services (audited), versions, and the conventions of DESIGN.md."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.assertions import assert_names_last_change
from tests.factories import SiteFactory
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.people import services
from schoolkeep.people.models import Check, CheckType, Person, PersonKind

DBS_NUMBER = "001234567890"
BIRTHDAY = date(1985, 7, 14)
NAMES_KEYS = {"id", "full_name", "preferred_name", "kind", "kind_label", "job_title", "sites"}
DETAILS_KEYS = NAMES_KEYS | {
    "is_management_post", "does_teaching_work", "post_needs_qualifications",
    "lived_or_worked_abroad", "childcare_disqualification_applies", "uses_school_network",
    "start_date", "leaving_date", "email", "staff_number", "account", "version"}
SENSITIVE_KEYS = DETAILS_KEYS | {"date_of_birth"}

LIST = reverse("api:person-list")


def detail(person: Person) -> str:
    return reverse("api:person-detail", args=[person.public_id])


def checks(person: Person) -> str:
    return reverse("api:person-checks", args=[person.public_id])


def check_url(person: Person, check_type: str) -> str:
    return reverse("api:check-save", args=[person.public_id, check_type])


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
        return self.client.generic(method, f"{url}?school={school}", data,
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user, **kw: Api(client, user, **kw)


def add(personas: Personas, full_name: str, **fields: Any) -> Person:
    values: dict[str, Any] = {"kind": PersonKind.TEACHING, "date_of_birth": BIRTHDAY}
    values.update(fields)
    return services.person_create(school=personas.school, actor=personas.hr_admin,
                                  full_name=full_name, **values)


def record_dbs(person: Person, actor: Any) -> Check:
    return services.check_save(person=person, actor=actor, check_type=CheckType.ENHANCED_DBS,
                               version=0, status="done", done_on=date(2024, 9, 1),
                               dbs_certificate_number=DBS_NUMBER, dbs_issued_on=date(2024, 9, 1))


@pytest.fixture
def ada(personas: Personas) -> Person:
    person = add(personas, "Ada Lovelace", job_title="Class teacher", staff_number="S1",
                 email="ada@oakfield.example")
    record_dbs(person, personas.hr_admin)
    return person


# --- scoping ---------------------------------------------------------------------------


def test_a_school_one_is_not_member_of_is_404(api, personas, ada):
    outsider = api(personas.outsider)
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(LIST, school="nowhere").status_code == 404
    assert outsider.get(detail(ada)).status_code == 404
    assert outsider.get(checks(ada)).status_code == 404
    assert outsider.send("PATCH", detail(ada), {"version": 1}).status_code == 404
    assert outsider.send("DELETE", detail(ada)).status_code == 404


def test_another_schools_person_is_404_even_for_its_own_siro(api, personas, ada):
    theirs = services.person_create(school=personas.other_school, actor=None,
                                    full_name="Hugh Hill", kind="support")
    siro = api(personas.siro)
    assert siro.get(detail(theirs)).status_code == 404
    assert siro.get(checks(theirs)).status_code == 404
    assert siro.send("DELETE", detail(theirs)).status_code == 404
    assert api(personas.outsider).get(detail(theirs), school="hillside").status_code == 200


def test_without_a_token_it_is_401(client, personas):
    assert client.get(LIST, {"school": "oakfield"}).status_code == 401


# --- list --------------------------------------------------------------------------------


def test_list_pages_with_items_and_count(api, personas):
    for n in range(7):
        add(personas, f"Person {n:02d}")
    body = api(personas.staff).get(LIST, limit=3, offset=2).json()
    assert body["count"] == 7
    assert [item["full_name"] for item in body["items"]] == ["Person 02", "Person 03",
                                                             "Person 04"]


@pytest.mark.parametrize("query", [{"limit": 101}, {"limit": 0}, {"offset": -1},
                                   {"kind": "pupil"}, {"status": "everyone"}])
def test_list_parameters_are_checked(api, personas, query):
    assert api(personas.staff).get(LIST, **query).status_code == 422


def test_list_filters_by_kind_search_and_status(api, personas, ada):
    add(personas, "Grace Hopper", kind=PersonKind.GOVERNOR, job_title="Chair of governors")
    gone = add(personas, "Alan Turing", kind=PersonKind.SUPPORT, start_date=date(2020, 1, 1))
    services.person_mark_leaver(person=gone, actor=personas.hr_admin,
                                leaving_date=timezone.localdate() - timedelta(days=3))
    hr = api(personas.hr_admin)
    names = lambda **q: [i["full_name"] for i in hr.get(LIST, **q).json()["items"]]  # noqa: E731
    assert names() == ["Ada Lovelace", "Grace Hopper"]
    assert names(kind="governor") == ["Grace Hopper"]
    assert names(search="chair") == ["Grace Hopper"]
    assert names(search="lovelace") == ["Ada Lovelace"]
    assert names(status="leavers") == ["Alan Turing"]


def test_leavers_are_for_roles_that_see_details(api, personas):
    assert api(personas.staff).get(LIST, status="leavers").status_code == 403
    assert api(personas.business_manager).get(LIST, status="leavers").status_code == 200


@pytest.mark.parametrize(("persona", "keys"), [
    ("staff", NAMES_KEYS), ("governor", NAMES_KEYS), ("it_lead", NAMES_KEYS),
    ("business_manager", DETAILS_KEYS), ("trust_admin", DETAILS_KEYS),
    ("dsl", SENSITIVE_KEYS), ("auditor", SENSITIVE_KEYS), ("hr_admin", SENSITIVE_KEYS),
    ("siro", SENSITIVE_KEYS),
])
def test_fields_follow_the_callers_level(api, personas, ada, persona, keys):
    client = api(personas.users[persona])
    [item] = client.get(LIST).json()["items"]
    assert set(item) == keys
    assert set(client.get(detail(ada)).json()) == keys
    if "date_of_birth" in keys:
        assert item["date_of_birth"] == BIRTHDAY.isoformat()


def test_plain_staff_never_sees_a_date_of_birth_or_dbs_number(api, personas, ada):
    staff = api(personas.staff)
    responses = [staff.get(LIST), staff.get(detail(ada)), staff.get(checks(ada))]
    assert [r.status_code for r in responses] == [200, 200, 403]
    for response in responses:
        text = response.content.decode()
        assert BIRTHDAY.isoformat() not in text and DBS_NUMBER not in text
        assert "date_of_birth" not in text and "dbs_certificate_number" not in text


def test_a_member_sees_their_own_record_in_full(api, personas, ada):
    own = add(personas, "Staff Person", date_of_birth=date(1990, 1, 2))
    services.person_link_account(person=own, actor=personas.hr_admin, user=personas.staff)
    record_dbs(own, personas.hr_admin)
    staff = api(personas.staff)
    items = {i["full_name"]: i for i in staff.get(LIST).json()["items"]}
    assert items["Staff Person"]["date_of_birth"] == "1990-01-02"
    assert set(items["Ada Lovelace"]) == NAMES_KEYS
    assert items["Staff Person"]["account"] == personas.staff.email
    body = staff.get(checks(own)).json()
    [dbs] = [c for c in body["items"] if c["check_type"] == "enhanced_dbs"]
    assert dbs["dbs_certificate_number"] == DBS_NUMBER


def test_list_query_count_does_not_grow(api, personas, django_assert_num_queries):
    site = SiteFactory(school=personas.school, name="Main site")
    hr = api(personas.hr_admin)
    hr.get(LIST)  # the token's first use is audited
    for n in range(3):
        own = add(personas, f"Few {n}", sites=[site])
    services.person_link_account(person=own, actor=personas.hr_admin, user=personas.staff)
    with CaptureQueriesContext(connection) as few:
        assert len(hr.get(LIST).json()["items"]) == 3
    for n in range(37):
        other = add(personas, f"Many {n:02d}", sites=[site])
    services.person_link_account(person=other, actor=personas.hr_admin, user=personas.dsl)
    with django_assert_num_queries(len(few)):
        body = hr.get(LIST).json()
    assert len(body["items"]) == body["count"] == 40


# --- create, update, archive ---------------------------------------------------------------


def test_create_writes_through_the_service_and_is_audited(api, personas):
    site = SiteFactory(school=personas.school, name="Meadow Building")
    response = api(personas.hr_admin).send("POST", LIST, {
        "full_name": "  Mary   Seacole ", "kind": "support", "job_title": "Nurse",
        "date_of_birth": "1980-11-23", "sites": [str(site.public_id)], "staff_number": "N1"})
    assert response.status_code == 201
    body = response.json()
    assert body["full_name"] == "Mary Seacole"
    assert body["sites"] == [{"id": str(site.public_id), "name": "Meadow Building"}]
    assert body["date_of_birth"] == "1980-11-23" and body["version"] == 1
    person = Person.objects.get(public_id=body["id"])
    event = AuditEvent.objects.get(action="people.person.created", target_id=body["id"])
    assert event.actor_id == personas.hr_admin.pk
    assert person.name_key == "mary seacole"


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "support"}, "full_name"),
    ({"full_name": "A", "kind": "pupil"}, "kind"),
    ({"full_name": "A", "kind": "support", "start_date": "31/12/2024"}, "start_date"),
    ({"full_name": "A", "kind": "support", "favourite_colour": "red"}, "favourite_colour"),
    ({"full_name": "A", "kind": "support", "email": "not an address"}, "email"),
    ({"full_name": "A", "kind": "support", "date_of_birth": "2999-01-01"}, "date_of_birth"),
    ({"full_name": "A", "kind": "support", "sites": ["6f1c1f8e-1111-4a4a-9b9b-123456789abc"]},
     "sites"),
    ({"full_name": "A", "kind": "support", "staff_number": "S1"}, "staff_number"),
])
def test_create_errors_are_422_naming_the_field(api, personas, ada, body, field):
    response = api(personas.siro).send("POST", LIST, body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == field
    assert error["msg"]
    assert not Person.objects.filter(full_name="A").exists()


@pytest.mark.parametrize("persona", ["staff", "business_manager", "dsl", "auditor",
                                     "trust_admin", "governor"])
def test_roles_that_may_not_manage_people_get_403_on_every_write(api, personas, ada, persona):
    client = api(personas.users[persona])
    assert client.send("POST", LIST, {"full_name": "A", "kind": "support"}).status_code == 403
    assert client.send("PATCH", detail(ada), {"version": 1, "job_title": "x"}).status_code == 403
    assert client.send("DELETE", detail(ada)).status_code == 403
    assert client.send("PUT", check_url(ada, "identity"),
                       {"version": 0, "status": "pending"}).status_code == 403
    ada.refresh_from_db()
    assert (ada.job_title, ada.leaving_date, ada.version) == ("Class teacher", None, 1)


def test_a_read_only_token_gets_403_on_writes(api, personas, ada):
    client = api(personas.siro, read_only=True)
    assert client.get(LIST).status_code == 200
    assert client.send("POST", LIST, {"full_name": "A", "kind": "support"}).status_code == 403
    assert client.send("DELETE", detail(ada)).status_code == 403


def test_patch_changes_only_what_is_sent_and_bumps_the_version(api, personas, ada):
    response = api(personas.hr_admin).send("PATCH", detail(ada),
                                           {"version": 1, "job_title": "Deputy head"})
    assert response.status_code == 200
    body = response.json()
    assert (body["job_title"], body["version"], body["staff_number"]) == ("Deputy head", 2, "S1")
    event = AuditEvent.objects.get(action="people.person.updated", target_id=str(ada.public_id))
    # an event about a person keeps its values sealed (audit.sealing): open them to read
    assert open_event(event).changes == {
        "job_title": {"before": "Class teacher", "after": "Deputy head"}}


def test_a_stale_version_is_409_and_changes_nothing(api, personas, ada):
    hr = api(personas.hr_admin)
    assert hr.send("PATCH", detail(ada), {"version": 1, "job_title": "One"}).status_code == 200
    response = hr.send("PATCH", detail(ada), {"version": 1, "job_title": "Two"})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.json()["detail"]
    assert_names_last_change(response.json()["detail"], ada)
    ada.refresh_from_db()
    assert ada.job_title == "One"


def test_patch_needs_a_version_and_valid_values(api, personas, ada):
    hr = api(personas.hr_admin)
    response = hr.send("PATCH", detail(ada), {"job_title": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "version"
    response = hr.send("PATCH", detail(ada), {"version": 1, "full_name": ""})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "full_name"],
                                          "msg": "Enter the person's full name."}]


def test_delete_marks_a_leaver_today_and_archives(api, personas, ada):
    hr = api(personas.hr_admin)
    response = hr.send("DELETE", detail(ada))
    assert response.status_code == 204
    assert response.content == b""
    ada.refresh_from_db()
    assert ada.leaving_date == timezone.localdate()
    assert hr.get(LIST).json()["count"] == 0
    assert [i["full_name"] for i in hr.get(LIST, status="leavers").json()["items"]] == [
        "Ada Lovelace"]
    assert AuditEvent.objects.filter(action="people.person.left").count() == 1
    assert hr.send("DELETE", detail(ada)).status_code == 204  # already archived: unchanged
    assert AuditEvent.objects.filter(action="people.person.left").count() == 1


# --- checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status", "sees_number"), [
    ("siro", 200, True), ("hr_admin", 200, True), ("dsl", 200, True), ("auditor", 200, True),
    ("trust_admin", 200, False), ("business_manager", 403, False), ("staff", 403, False),
    ("governor", 403, False), ("iao", 403, False),
])
def test_checks_follow_the_callers_level(api, personas, ada, persona, status, sees_number):
    response = api(personas.users[persona]).get(checks(ada))
    assert response.status_code == status
    assert (DBS_NUMBER in response.content.decode()) is sees_number
    if status == 200:
        body = response.json()
        states = {c["check_type"]: c for c in body["items"]}
        assert set(states) == set(CheckType.values)
        dbs = states["enhanced_dbs"]
        assert (dbs["status"], dbs["done_on"], dbs["version"]) == ("done", "2024-09-01", 1)
        assert ("dbs_certificate_number" in dbs) is sees_number
        assert states["identity"]["status"] == "required"
        assert states["identity"]["version"] == 0 and "done_on" not in states["identity"]
        assert states["section_128"]["status"] == "not_required"
        assert "right_to_work_expires_on" not in dbs
        assert body["missing"] == sum(c["required"] and c["status"] != "done"
                                      for c in body["items"])


def test_put_records_a_check_through_the_service(api, personas, ada):
    hr = api(personas.hr_admin)
    response = hr.send("PUT", check_url(ada, "right_to_work"), {
        "version": 0, "status": "done", "done_on": "2025-01-06", "checked_by": "Sofia Novak",
        "evidence": "Share code checked", "right_to_work_expires_on": "2027-01-31"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["right_to_work_expires_on"]) == (
        "done", 1, "2027-01-31")
    assert AuditEvent.objects.filter(action="people.check.created").count() == 2
    again = hr.send("PUT", check_url(ada, "right_to_work"), {"version": 1, "notes": "Seen"})
    assert again.status_code == 200
    assert (again.json()["notes"], again.json()["version"], again.json()["evidence"]) == (
        "Seen", 2, "Share code checked")


def test_put_errors(api, personas, ada):
    hr = api(personas.hr_admin)
    stale = hr.send("PUT", check_url(ada, "enhanced_dbs"), {"version": 0, "notes": "x"})
    assert stale.status_code == 409
    wrong = hr.send("PUT", check_url(ada, "identity"),
                    {"version": 0, "dbs_certificate_number": DBS_NUMBER})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "dbs_certificate_number"]
    undated = hr.send("PUT", check_url(ada, "identity"), {"version": 0, "status": "done"})
    assert undated.status_code == 422
    assert undated.json()["detail"][0]["loc"] == ["body", "done_on"]
    bad_number = hr.send("PUT", check_url(ada, "enhanced_dbs"),
                         {"version": 1, "dbs_certificate_number": "12"})
    assert bad_number.json()["detail"][0]["loc"] == ["body", "dbs_certificate_number"]
    assert hr.send("PUT", check_url(ada, "horoscope"), {"version": 0}).status_code == 404
    assert not Check.objects.filter(person=ada, check_type="identity").exists()


def test_checks_query_count_does_not_grow(api, personas, ada, django_assert_num_queries):
    hr = api(personas.hr_admin)
    hr.get(checks(ada))  # the token's first use is audited
    with CaptureQueriesContext(connection) as few:
        assert hr.get(checks(ada)).status_code == 200
    for check_type in ("identity", "right_to_work", "barred_list", "prohibition"):
        services.check_save(person=ada, actor=personas.hr_admin, check_type=check_type,
                            status="pending")
        services.override_set(person=ada, actor=personas.hr_admin, check_type=check_type,
                              required=True, reason="Policy")
    with django_assert_num_queries(len(few)):
        body = hr.get(checks(ada)).json()
    assert sum(c["status"] == "pending" for c in body["items"]) == 4


def test_the_openapi_document_describes_the_people_endpoints(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    paths = document["paths"]
    assert set(paths["/api/v1/people"]) == {"get", "post"}
    assert set(paths["/api/v1/people/{person_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/people/{person_id}/checks"]) == {"get"}
    assert set(paths["/api/v1/people/{person_id}/checks/{check_type}"]) == {"put"}
    assert paths["/api/v1/people"]["get"]["security"] == [{"TokenAuth": []}]
