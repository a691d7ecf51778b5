"""/api/v1/aups: records holders read every AUP with figures and every signature; other
members read the AUP that applies to them and their own signatures; another school: 404;
constant query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.agreements.aups import audience as who
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Signature, SigningMethod
from schoolkeep.agreements.aups.services import aups_set_up, draft_save, version_publish
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.services import Scan, signature_create
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person

LIST = reverse("api:aup-list")
RECORDS = ["siro", "business_manager", "auditor", "trust_admin"]


def detail(aup: Aup) -> str:
    return reverse("api:aup-detail", args=[aup.public_id])


def signatures_url(aup: Aup) -> str:
    return reverse("api:aup-signatures", args=[aup.public_id])


class Api:
    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def set_up(personas: Personas) -> dict[str, Aup]:
    return {aup.audience: aup for aup in aups_set_up(school=personas.school,
                                                     actor=personas.business_manager)}


def publish(personas: Personas, aup: Aup, *, everyone: bool = True, text: str = "") -> Aup:
    if text:
        draft_save(aup=aup, actor=personas.business_manager, text=text)
    draft = AupVersion.objects.get(aup=aup, published_at__isnull=True)
    version_publish(draft=draft, actor=personas.business_manager,
                    requires_everyone_to_sign=everyone)
    aup.refresh_from_db()
    return aup


def person(personas: Personas, name: str, kind: str = "support", user: Any = None,
           **fields: Any) -> Person:
    return Person.objects.create(school=personas.school, full_name=name, name_key=fold(name),
                                 kind=kind, user=user, **fields)


def sign(aup: Aup, name: str, **signer: Any) -> Signature:
    if aup.audience in (Audience.VISITORS, Audience.PUPILS):
        scan = Scan(name="scan", content_type="application/pdf", original_name="form.pdf",
                    sha256="0" * 64)
        return signature_create(aup=aup, method=SigningMethod.PAPER, typed_name=name,
                                visiting="Office", scan=scan, **signer)
    return signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name=name,
                            ip_address="203.0.113.7", **signer)


@pytest.fixture
def school(personas: Personas) -> dict[str, Any]:
    """Published AUPs for staff, governors, parents and visitors, and some signatures."""
    aups = set_up(personas)
    for aup in aups.values():
        publish(personas, aup)
    aups = {audience: Aup.objects.get(pk=aup.pk) for audience, aup in aups.items()}
    ada = person(personas, "Ada Lovelace")
    grace = person(personas, "Grace Hopper", kind="agency")
    person(personas, "Alan Turing", kind="teaching")
    person(personas, "Off Network", kind="contractor", uses_school_network=False)
    person(personas, "Long Gone", leaving_date=timezone.localdate() - timedelta(days=3))
    person(personas, "Jo Governor", kind="governor")
    parent = parent_create(school=personas.school, actor=personas.business_manager,
                           full_name="Pat Parent", email="pat@example.com")
    parent_create(school=personas.school, actor=personas.business_manager,
                  full_name="Sam Carer")
    sign(aups[Audience.STAFF], "Ada Lovelace", person=ada)
    sign(aups[Audience.STAFF], "Grace Hopper", person=grace)
    sign(aups[Audience.PARENTS], "Pat Parent", parent=parent)
    sign(aups[Audience.VISITORS], "Vera Visitor")
    return {"aups": aups, "ada": ada, "grace": grace, "parent": parent}


# ---------------------------------------------------------------------------- the list


@pytest.mark.parametrize("persona", RECORDS)
def test_records_holders_list_every_aup_with_figures(api, personas, school, persona) -> None:
    body = api(getattr(personas, persona)).get(LIST).json()
    assert body["count"] == 4
    items = {item["audience"]: item for item in body["items"]}
    assert set(items) == {"staff", "governors", "parents", "visitors"}
    assert (items["staff"]["signed"], items["staff"]["not_signed"]) == (2, 1)
    assert (items["governors"]["signed"], items["governors"]["not_signed"]) == (0, 1)
    assert (items["parents"]["signed"], items["parents"]["not_signed"]) == (1, 1)
    # Visitors have no list: the signatures that count, and no "not signed".
    assert (items["visitors"]["signed"], items["visitors"]["not_signed"]) == (1, None)
    staff = items["staff"]
    assert staff["current_version"] == staff["sign_from"] == 1
    assert staff["id"] == str(school["aups"][Audience.STAFF].public_id)
    assert staff["current_published_at"] is not None


def test_figures_agree_with_the_signers_list(api, personas, school) -> None:
    today = timezone.localdate()
    items = {i["audience"]: i for i in api(personas.siro).get(LIST).json()["items"]}
    for audience in ("staff", "governors", "parents"):
        aup = school["aups"][audience]
        rows = list(who.signers(aup=aup, today=today))
        assert items[audience]["signed"] == sum(1 for r in rows if r.has_signed)
        assert items[audience]["not_signed"] == sum(1 for r in rows if not r.has_signed)


def test_a_new_version_for_everyone_resets_the_figures_and_a_minor_one_does_not(
        api, personas, school) -> None:
    staff_aup = school["aups"][Audience.STAFF]
    publish(personas, staff_aup, everyone=False, text="Version two: a typo fixed.")
    staff = next(i for i in api(personas.siro).get(LIST).json()["items"]
                 if i["audience"] == "staff")
    assert (staff["current_version"], staff["sign_from"]) == (2, 1)
    assert (staff["signed"], staff["not_signed"]) == (2, 1)
    publish(personas, staff_aup, everyone=True, text="Version three: new rules.")
    staff = next(i for i in api(personas.siro).get(LIST).json()["items"]
                 if i["audience"] == "staff")
    assert (staff["current_version"], staff["sign_from"]) == (3, 3)
    assert (staff["signed"], staff["not_signed"]) == (0, 3)


def test_other_members_see_only_their_own_aup_without_figures(api, personas, school) -> None:
    body = api(personas.staff).get(LIST).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["audience"] == "staff"
    assert item["signed"] is None and item["not_signed"] is None
    (item,) = api(personas.governor).get(LIST).json()["items"]
    assert item["audience"] == "governors"


def test_a_person_record_decides_over_roles(api, personas, school) -> None:
    # A member with the staff role whose person record is a governor's signs the governors'.
    person(personas, "Staff Person", kind="governor", user=personas.dpo)
    (item,) = api(personas.dpo).get(LIST).json()["items"]
    assert item["audience"] == "governors"


def test_an_unpublished_aup_is_not_shown_to_members(api, personas) -> None:
    set_up(personas)
    assert api(personas.staff).get(LIST).json() == {"items": [], "count": 0}
    assert api(personas.siro).get(LIST).json()["count"] == 4
    items = api(personas.siro).get(LIST).json()["items"]
    assert all(i["signed"] is None and i["current_version"] is None for i in items)


def test_outsiders_get_404(api, personas, school) -> None:
    aup = school["aups"][Audience.STAFF]
    outsider = api(personas.outsider)
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(detail(aup)).status_code == 404
    assert outsider.get(signatures_url(aup)).status_code == 404
    # Their own school does not reach ours either.
    assert outsider.get(LIST, school="hillside").json()["count"] == 0
    assert outsider.get(detail(aup), school="hillside").status_code == 404
    assert outsider.get(signatures_url(aup), school="hillside").status_code == 404


def test_the_list_pages(api, personas, school) -> None:
    caller = api(personas.auditor)
    page = caller.get(LIST, limit=1, offset=1).json()
    assert page["count"] == 4 and len(page["items"]) == 1
    assert caller.get(LIST, limit=101).status_code == 422


# ---------------------------------------------------------------------------- one AUP


def test_detail_has_the_published_versions_only(api, personas, school) -> None:
    aup = school["aups"][Audience.STAFF]
    publish(personas, aup, everyone=False, text="# Staff\n\nVersion two.")
    draft_save(aup=aup, actor=personas.business_manager, text="A draft nobody signs yet.")
    body = api(personas.staff).get(detail(aup)).json()
    assert body["title"] == aup.title and body["current_version"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    two = body["versions"][0]
    version = AupVersion.objects.get(aup=aup, number=2)
    assert two["text"] == version.text == "# Staff\n\nVersion two."
    assert two["content_hash"] == version.content_hash
    assert two["requires_everyone_to_sign"] is False
    assert two["published_at"] is not None
    assert body["versions"][1]["requires_everyone_to_sign"] is True


def test_an_aup_that_does_not_apply_is_403_and_records_holders_read_any(
        api, personas, school) -> None:
    aups = school["aups"]
    assert api(personas.staff).get(detail(aups[Audience.GOVERNORS])).status_code == 403
    assert api(personas.governor).get(detail(aups[Audience.STAFF])).status_code == 403
    assert api(personas.governor).get(detail(aups[Audience.GOVERNORS])).status_code == 200
    body = api(personas.trust_admin).get(detail(aups[Audience.PARENTS])).json()
    assert (body["signed"], body["not_signed"]) == (1, 1)


# ---------------------------------------------------------------------------- signatures


def test_records_holders_read_every_signature_with_addresses(api, personas, school) -> None:
    aup = school["aups"][Audience.STAFF]
    body = api(personas.business_manager).get(signatures_url(aup)).json()
    assert body["count"] == 2
    newest = body["items"][0]
    assert newest["signer_name"] == "Grace Hopper" and newest["signer_kind"] == "person"
    assert newest["person"] == str(school["grace"].public_id) and newest["parent"] is None
    assert newest["version"] == 1 and newest["method"] == "in_app"
    assert newest["content_hash"] == AupVersion.objects.get(aup=aup, number=1).content_hash
    assert newest["typed_name"] == "Grace Hopper" and newest["counts"] is True
    assert newest["ip_address"] == "203.0.113.7"
    signed_at = newest["signed_at"]
    assert signed_at.endswith("Z") or signed_at.endswith("+00:00")


def test_signer_kinds(api, personas, school) -> None:
    aups = school["aups"]
    caller = api(personas.siro)
    (parent,) = caller.get(signatures_url(aups[Audience.PARENTS])).json()["items"]
    assert (parent["signer_kind"], parent["signer_name"]) == ("parent", "Pat Parent")
    assert parent["parent"] == str(school["parent"].public_id)
    (visitor,) = caller.get(signatures_url(aups[Audience.VISITORS])).json()["items"]
    assert (visitor["signer_kind"], visitor["signer_name"]) == ("visitor", "Vera Visitor")
    assert visitor["visiting"] == "Office" and visitor["method"] == "paper"


def test_members_read_only_their_own_signatures_without_addresses(
        api, personas, school) -> None:
    aup = school["aups"][Audience.STAFF]
    caller = api(personas.staff)
    assert caller.get(signatures_url(aup)).json() == {"items": [], "count": 0}
    mine = sign(aup, "Staff Person", user=personas.staff)
    body = caller.get(signatures_url(aup)).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == str(mine.public_id)
    assert item["signer_kind"] == "member" and item["signer_name"] == personas.staff.full_name
    assert "ip_address" not in item
    # As their person record too.
    ada_user = personas.iao
    ada = school["ada"]
    ada.user = ada_user
    ada.save()
    (item,) = api(ada_user).get(signatures_url(aup)).json()["items"]
    assert item["signer_name"] == "Ada Lovelace" and "ip_address" not in item


def test_current_lists_each_signers_latest_signature_that_counts(api, personas, school) -> None:
    aup = school["aups"][Audience.STAFF]
    caller = api(personas.siro)
    first = Signature.objects.get(aup=aup, person=school["ada"])
    again = sign(aup, "Ada Lovelace", person=school["ada"])
    ids = lambda **params: [i["id"] for i in caller.get(signatures_url(aup),  # noqa: E731
                                                           **params).json()["items"]]
    assert str(first.public_id) in ids()
    assert str(first.public_id) not in ids(current="true")
    assert str(again.public_id) in ids(current="true")
    assert len(ids(current="true")) == 2
    publish(personas, aup, everyone=True, text="Version two for everyone.")
    assert ids(current="true") == []
    newest = sign(aup, "Alan Turing", person=Person.objects.get(full_name="Alan Turing"))
    assert ids(current="true") == [str(newest.public_id)]
    assert len(ids()) == 4
    item = caller.get(signatures_url(aup)).json()["items"][-1]
    assert item["counts"] is False


def test_signatures_page(api, personas, school) -> None:
    aup = school["aups"][Audience.STAFF]
    caller = api(personas.auditor)
    page = caller.get(signatures_url(aup), limit=1, offset=1).json()
    assert page["count"] == 2 and [i["signer_name"] for i in page["items"]] == ["Ada Lovelace"]
    assert caller.get(signatures_url(aup), limit=101).status_code == 422


# ---------------------------------------------------------------------------- query counts


def _people_signing(personas: Personas, aup: Aup, start: int, count: int) -> None:
    for n in range(start, start + count):
        someone = person(personas, f"Person {n:02d}")
        if n % 2:
            sign(aup, f"Person {n:02d}", person=someone)


def test_list_query_count_does_not_grow(api, personas, school,
                                        django_assert_num_queries) -> None:
    caller = api(personas.siro)
    caller.get(LIST)  # the token's first use is audited
    aup = school["aups"][Audience.STAFF]
    _people_signing(personas, aup, 0, 3)
    with CaptureQueriesContext(connection) as few:
        assert caller.get(LIST).json()["count"] == 4
    _people_signing(personas, aup, 3, 37)
    with django_assert_num_queries(len(few)):
        items = caller.get(LIST).json()["items"]
    staff = next(i for i in items if i["audience"] == "staff")
    assert staff["signed"] + staff["not_signed"] == 43


@pytest.mark.parametrize("persona", ["siro", "staff"])
def test_signatures_query_count_does_not_grow(api, personas, school, persona,
                                              django_assert_num_queries) -> None:
    aup = school["aups"][Audience.STAFF]
    caller = api(getattr(personas, persona))
    caller.get(LIST)
    mine = {"user": personas.staff} if persona == "staff" else {}

    def populate(start: int, count: int) -> None:
        for n in range(start, start + count):
            if mine:
                sign(aup, "Staff Person", **mine)
            else:
                sign(aup, f"Person {n:02d}", person=person(personas, f"Person {n:02d}"))

    populate(0, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(caller.get(signatures_url(aup)).json()["items"]) >= 3
    populate(3, 37)
    for params in ({}, {"current": "true"}):
        with django_assert_num_queries(len(few)):
            body = caller.get(signatures_url(aup), **params).json()
        assert len(body["items"]) >= (1 if params else 40)
