"""Choosing owners together: the page lists the assets that need an owner (none, a name not
yet matched, an owner who has left) with why, 50 to a page, optionally of one group, in a
constant number of queries; the owners chosen are saved in one service call with one audit
event per changed asset; a name not in the list saves nothing; an asset changed meanwhile is
refused naming who changed it, the others saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean

from schoolkeep.accounts.models import User
from schoolkeep.assets import services
from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.assets.owners.selectors import owner_options
from schoolkeep.assets.owners.services import OwnerChoice, asset_owners_choose
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.text import fold
from schoolkeep.people import services as people_services
from schoolkeep.people.models import Person

URL = reverse("assets:choose-owners")
Login = Callable[[User], Client]


@pytest.fixture
def register(personas: Personas) -> dict[str, Any]:
    school, siro = personas.school, personas.siro
    amelia = people_services.person_create(school=school, actor=siro, full_name="Amelia Hart",
                                           kind="support")
    leaver = people_services.person_create(school=school, actor=siro, full_name="Dan Marsh",
                                           kind="support")
    Person.objects.filter(pk=leaver.pk).update(
        leaving_date=timezone.localdate() - timedelta(days=1))
    pupils = services.group_get_or_create(school=school, name="Pupil records", actor=siro)
    staff = services.group_get_or_create(school=school, name="Staff records", actor=siro)
    made = {
        "nobody": services.asset_create(school=school, actor=siro, group=pupils,
                                        name="Attendance"),
        "unmatched": services.asset_create(school=school, actor=siro, group=pupils,
                                           name="Exam results", owner_unmatched="D. Marsh"),
        "left": services.asset_create(school=school, actor=siro, group=staff, name="Payroll",
                                      owner_person=leaver),
        "owned": services.asset_create(school=school, actor=siro, group=staff,
                                       name="Personnel files", owner_person=amelia),
    }
    organisation = services.organisation_get_or_create(school=school, name="RedStor",
                                                       actor=siro)
    return made | {"amelia": amelia, "organisation": organisation, "pupils": pupils}


def test_the_page_lists_the_assets_that_need_an_owner_and_why(
        personas: Personas, login: Login, register: dict[str, Any]) -> None:
    response = login(personas.data_admin).get(URL)

    text = response.content.decode()
    assert response.status_code == 200
    assert_csp_clean(response)
    assert "<h2>Assets that need an owner (3)</h2>" in text
    assert ' aria-current="page">Choose owners</a>' in text  # in the register's sub-navigation
    assert '<td data-label="Why">No owner</td>' in text
    assert "“D. Marsh” is not yet matched to a person or organisation" in text
    assert "Dan Marsh has left the school" in text
    assert "Personnel files" not in text
    assert text.count("<datalist") == 1 and '<option value="Amelia Hart">' in text
    assert '<option value="RedStor (outside organisation)">' in text
    assert '<option value="Dan Marsh">' not in text  # a leaver is no owner

    one_group = login(personas.data_admin).get(
        URL, {"group": str(register["pupils"].public_id)}).content.decode()
    assert "Attendance" in one_group and "Payroll" not in one_group
    other = services.group_get_or_create(school=personas.other_school, name="Other",
                                         actor=None)
    assert login(personas.data_admin).get(URL, {"group": str(other.public_id)}) \
        .status_code == 404


def test_owners_chosen_together_are_saved_with_an_event_each(
        personas: Personas, login: Login, register: dict[str, Any]) -> None:
    client = login(personas.data_admin)
    nobody, unmatched, left = register["nobody"], register["unmatched"], register["left"]

    response = client.post(URL, {
        f"owner-{nobody.public_id}": "amelia hart", f"version-{nobody.public_id}": "1",
        f"owner-{unmatched.public_id}": "RedStor (outside organisation)",
        f"version-{unmatched.public_id}": "1",
        f"owner-{left.public_id}": "", f"version-{left.public_id}": "1"})

    assert response.status_code == 302 and response["Location"] == URL
    nobody.refresh_from_db()
    unmatched.refresh_from_db()
    assert (nobody.owner_person, nobody.version) == (register["amelia"], 2)
    assert (unmatched.owner_organisation, unmatched.owner_unmatched) == \
        (register["organisation"], "")
    assert Asset.objects.get(pk=left.pk).version == 1
    events = AuditEvent.objects.filter(action="assets.asset.updated",
                                       actor=personas.data_admin).order_by("id")
    assert [event.changes for event in events] == [
        {"owner_person": {"before": "", "after": "Amelia Hart"}},
        {"owner_organisation": {"before": "", "after": "RedStor"},
         "owner_unmatched": {"before": "D. Marsh", "after": ""}}]
    assert audit_verify().ok
    page = client.get(URL).content.decode()
    assert "Owners saved for 2 assets." in page
    assert "<h2>Assets that need an owner (1)</h2>" in page


def test_a_name_not_in_the_list_saves_nothing(personas: Personas, login: Login,
                                              register: dict[str, Any]) -> None:
    nobody, unmatched = register["nobody"], register["unmatched"]

    response = login(personas.data_admin).post(URL, {
        f"owner-{nobody.public_id}": "Amelia Hart", f"version-{nobody.public_id}": "1",
        f"owner-{unmatched.public_id}": "Amelia Hartt", f"version-{unmatched.public_id}": "1"})

    text = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in text
    assert "Owner of “Exam results”: “Amelia Hartt” is not in the list" in text
    assert Asset.objects.get(pk=nobody.pk).owner_person is None


def test_an_asset_changed_meanwhile_is_refused_naming_who_and_the_others_saved(
        personas: Personas, login: Login, register: dict[str, Any]) -> None:
    nobody, unmatched = register["nobody"], register["unmatched"]
    services.asset_update(asset=unmatched, actor=personas.siro, version=1, purpose="Exams")

    client = login(personas.data_admin)
    client.post(URL, {
        f"owner-{nobody.public_id}": "Amelia Hart", f"version-{nobody.public_id}": "1",
        f"owner-{unmatched.public_id}": "Amelia Hart", f"version-{unmatched.public_id}": "1"})

    assert Asset.objects.get(pk=nobody.pk).owner_person == register["amelia"]
    assert Asset.objects.get(pk=unmatched.pk).owner_unmatched == "D. Marsh"
    page = client.get(URL).content.decode()
    assert "Owners saved for 1 asset." in page
    assert f"“Exam results” was changed by {personas.siro.full_name or personas.siro.email}" \
        in page


def test_only_those_who_manage_the_register_may_choose_and_only_the_school_s_owners(
        personas: Personas, register: dict[str, Any]) -> None:
    choice = OwnerChoice(register["nobody"].pk, 1, person=register["amelia"])
    with pytest.raises(NotAllowed):
        asset_owners_choose(school=personas.school, actor=personas.staff, choices=[choice])
    stranger = people_services.person_create(school=personas.other_school, actor=None,
                                             full_name="Zed Outsider", kind="support")
    with pytest.raises(NotAllowed):
        asset_owners_choose(school=personas.school, actor=personas.siro,
                            choices=[OwnerChoice(register["nobody"].pk, 1, person=stranger)])
    assert Asset.objects.get(pk=register["nobody"].pk).owner_person is None


def _more(personas: Personas, count: int) -> None:
    """``count`` more assets without an owner, and a person more per ten of them."""
    group = AssetGroup.objects.get(school=personas.school, name="Pupil records")
    Asset.objects.bulk_create(Asset(school=personas.school, group=group, name=f"Extra {n}",
                                    name_key=fold(f"Extra {n}")) for n in range(count))
    for n in range(count // 10):
        people_services.person_create(school=personas.school, actor=personas.siro,
                                      full_name=f"Person {n}", kind="support")


def test_the_page_s_queries_do_not_grow_with_its_rows(
        personas: Personas, login: Login, register: dict[str, Any],
        django_assert_num_queries: Any) -> None:
    """3 rows, then a full page of 50 (of 83) with 8 more people to choose from."""
    client = login(personas.data_admin)
    client.get(URL)  # the session and the school's access, as on any later page
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _more(personas, 80)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.content.decode().count('<td data-label="Why">') == 50


def test_people_of_one_name_are_told_apart_in_the_list(personas: Personas) -> None:
    school, siro = personas.school, personas.siro
    for kind, job in (("teaching", "Class teacher"), ("support", ""), ("support", ""),
                      ("governor", "")):
        people_services.person_create(school=school, actor=siro, full_name="Sam Lee",
                                      kind=kind, job_title=job)
    labels = [option.label for option in owner_options(school, today=timezone.localdate())]
    assert sorted(labels) == ["Sam Lee (Class teacher)", "Sam Lee (Employee in a support post) 1",
                              "Sam Lee (Employee in a support post) 2", "Sam Lee (Governor)"]
