"""Pages of the information asset register: everyone reads, managers write, an owner edits
their own asset, read-only roles get 403, another school's asset is a 404, forms work without
JavaScript, and every list runs a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.assets import services
from schoolkeep.assets.models import AccessLabel, Asset, AssetGroup, OutsideOrganisation
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.privacy.schedule.models import RecordType, RetentionEvent
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.models import Membership

Login = Callable[[User], Client]
READERS = ["siro", "dpo", "iao", "business_manager", "it_lead", "dsl", "hr_admin",
           "data_admin", "staff", "governor", "auditor", "trust_admin"]
MANAGERS = ["siro", "dpo", "data_admin"]
NOT_MANAGERS = [p for p in READERS if p not in MANAGERS]


def group(personas: Personas, name: str = "Pupil data (MIS)") -> AssetGroup:
    return services.group_get_or_create(school=personas.school, name=name, actor=None)


def person(personas: Personas, name: str, user: User | None = None) -> Person:
    found = person_create(school=personas.school, actor=None, full_name=name, kind="support")
    if user is not None:
        person_link_account(person=found, actor=None, user=user)
    return found


def asset(personas: Personas, name: str = "Core pupil data", **fields: Any) -> Asset:
    fields.setdefault("group", group(personas))
    return services.asset_create(school=personas.school, actor=None, name=name, **fields)


def url(name: str, *args: Any) -> str:
    return reverse(f"assets:{name}", args=args)


def form_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "Attendance", "classification": "unclassified",
                            "version": ""}
    data.update(values)
    return data


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize("persona", READERS)
def test_every_member_reads_the_register_and_appendix_1(personas: Personas, login: Login,
                                                        persona: str) -> None:
    item = asset(personas, owner_unmatched="Terence Hudson", access_labels=["Head"],
                 purpose="Statutory returns")
    client = login(getattr(personas, persona))
    for page in (url("asset-list"), url("asset-detail", item.public_id), url("appendix"),
                 url("processing-record"), url("label-list")):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Core pupil data" in response.content.decode() or page == url("label-list")


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_members_without_assets_manage_get_403_on_writes(personas: Personas, login: Login,
                                                         persona: str) -> None:
    item = asset(personas)
    client = login(getattr(personas, persona))
    for page in (url("asset-create"), url("asset-edit", item.public_id),
                 url("asset-archive", item.public_id), url("settings")):
        assert client.get(page).status_code == 403, page
        assert client.post(page, form_data()).status_code == 403, page
    label = AccessLabel.objects.create(school=personas.school, label="Head", label_key="head")
    assert client.post(url("label-edit", label.public_id), {"label_text": "X"}).status_code \
        == 403
    assert Asset.objects.get().name == "Core pupil data"


def test_another_schools_asset_is_a_404(personas: Personas, login: Login) -> None:
    item = asset(personas)
    label = services.labels_resolve(school=personas.school, actor=None, labels=["Head"])[0]
    client = login(personas.outsider)
    for page in (url("asset-detail", item.public_id), url("asset-edit", item.public_id),
                 url("asset-archive", item.public_id), url("label-edit", label.public_id)):
        assert client.get(page).status_code == 404, page
    assert "Core pupil data" not in client.get(url("asset-list")).content.decode()
    assert "Core pupil data" not in client.get(url("appendix")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, personas: Personas) -> None:
    response = client.get(url("asset-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_asset_page_shows_every_field_in_plain_english(personas: Personas,
                                                           login: Login) -> None:
    sims = system_create(school=personas.school, actor=None, name="SIMS", supplier="Capita")
    item = asset(personas, owner_person=person(personas, "Terence Hudson"),
                 access_labels=["Pupil Data Administrator", "Head"], purpose="Teaching",
                 lawful_basis="public_task", special_category_data=True,
                 article9_condition="substantial_public_interest",
                 data_subjects=["pupils", "parents"], personal_data="Names and addresses",
                 children_data=True, classification="official_sensitive",
                 classification_note="Marked Protect in the policy", systems=[sims],
                 held_on_paper=True, record_types=[RecordType.objects.create(
                     school=personas.school, name="SEN files", years=25,
                     event=RetentionEvent.DATE_OF_BIRTH)],
                 destruction_method="Shredding", recipients="The DfE",
                 transfers_outside_uk="None", security_measures="Two-factor sign-in")
    html = login(personas.staff).get(url("asset-detail", item.public_id)).content.decode()
    for text in ("Terence Hudson", "Pupil Data Administrator / Head", "Teaching",
                 "Public task (Article 6(1)(e))", "Substantial public interest (9(2)(g))",
                 "Pupils, Parents and carers", "Names and addresses", "OFFICIAL-SENSITIVE",
                 "Marked Protect in the policy", "SIMS", "Capita", "SEN files", "Shredding",
                 "The DfE", "Two-factor sign-in", "History",
                 "Information asset added"):
        assert text in html, text
    # Staff do not see the systems register, so the system is not a link for them.
    assert reverse("systems:system-detail", args=[sims.public_id]) not in html
    assert "Change<span" not in html  # no edit button for a non-owner
    siro_html = login(personas.siro).get(url("asset-detail", item.public_id)).content.decode()
    assert reverse("systems:system-detail", args=[sims.public_id]) in siro_html
    assert url("asset-edit", item.public_id) in siro_html


def test_every_page_has_our_layout_and_nothing_inline(personas: Personas,
                                                      login: Login) -> None:
    item = asset(personas, owner_unmatched="Terence Hudson", access_labels=["Head"],
                 data_subjects=["pupils"], systems=[system_create(
                     school=personas.school, actor=None, name="SIMS")])
    label = AccessLabel.objects.get()
    client = login(personas.siro)
    pages = [url("asset-list"), url("asset-detail", item.public_id), url("asset-create"),
             url("asset-edit", item.public_id), url("asset-archive", item.public_id),
             url("appendix"), url("processing-record"), url("settings"), url("label-list"),
             url("label-edit", label.public_id)]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert_csp_clean(response)
        assert_our_layout(response)
    refused = client.post(url("asset-create"), form_data(name=""))
    assert_csp_clean(refused)
    parts = assert_our_layout(refused)
    assert parts.find("div", **{"class": "error-summary", "role": "alert"})


# ---------------------------------------------------------------------------- writing


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_add_an_asset_with_a_new_group_and_organisation(personas: Personas,
                                                                 login: Login,
                                                                 persona: str) -> None:
    sims = system_create(school=personas.school, actor=None, name="SIMS")
    client = login(getattr(personas, persona))
    assert client.get(url("asset-create")).status_code == 200
    response = client.post(url("asset-create"), form_data(
        name="Secure remote back-up", group="new", new_group="Disaster recovery",
        new_organisation="RedStor", access_labels="Joskos Technician /  Business Manager/",
        purpose="Business continuity", data_subjects=["staff", "pupils"],
        systems=[str(sims.public_id)], classification="official"))
    created = Asset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("asset-detail", created.public_id)
    assert created.group.name == "Disaster recovery"
    assert created.owner_organisation == OutsideOrganisation.objects.get(name="RedStor")
    assert [label.label for label in services.current_labels(created)] == [
        "Joskos Technician", "Business Manager"]
    assert created.data_subjects == ["pupils", "staff"] and list(created.systems.all()) == [sims]


def test_a_refused_asset_leaves_no_group_or_organisation_behind(personas: Personas,
                                                                login: Login) -> None:
    client = login(personas.siro)
    response = client.post(url("asset-create"), form_data(
        group="new", new_group="Disaster recovery", new_organisation="RedStor",
        article9_condition="health_social_care"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "only for special category data" in html
    assert not Asset.objects.exists()
    assert not AssetGroup.objects.exists() and not OutsideOrganisation.objects.exists()


def test_form_errors_name_their_fields(personas: Personas, login: Login) -> None:
    asset(personas, "Attendance")
    client = login(personas.siro)
    pupils = AssetGroup.objects.get()
    response = client.post(url("asset-create"), form_data(name="", group=""))
    html = response.content.decode()
    assert "Enter the name of the asset." in html
    assert "Choose a group, or “A new group” and name it below." in html
    response = client.post(url("asset-create"), form_data(name="ATTENDANCE",
                                                          group=str(pupils.public_id)))
    html = response.content.decode()
    assert response.status_code == 200 and "There is already an asset called" in html
    assert 'id="id_name_error"' in html
    assert Asset.objects.count() == 1


def test_the_owner_edits_their_own_asset(personas: Personas, login: Login) -> None:
    mine = asset(personas, "Reports", owner_person=person(personas, "Sam Staff",
                                                          user=personas.staff))
    services.labels_resolve(school=personas.school, labels=["Class teachers"],
                            actor=personas.siro)
    client = login(personas.staff)
    detail = client.get(url("asset-detail", mine.public_id)).content.decode()
    assert "You are the information asset owner" in detail
    assert url("asset-edit", mine.public_id) in detail
    page = client.get(url("asset-edit", mine.public_id))
    assert page.status_code == 200
    fields = page.context["form"].fields
    assert "owner" not in fields and "new_group" not in fields and "new_organisation" not in fields
    response = client.post(url("asset-edit", mine.public_id), form_data(
        name="Reports", group=str(mine.group.public_id), version="1",
        purpose="Reporting to parents", access_labels="Class teachers"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.purpose == "Reporting to parents" and mine.version == 2
    assert mine.owner_person is not None and mine.owner_person.user == personas.staff
    assert client.post(url("asset-archive", mine.public_id)).status_code == 403


def test_the_iao_role_does_not_edit_assets_it_does_not_own(personas: Personas,
                                                          login: Login) -> None:
    other = asset(personas, "Attendance", owner_person=person(personas, "Someone Else"))
    own = asset(personas, "Exams", owner_person=person(personas, "Iris", user=personas.iao))
    client = login(personas.iao)
    assert client.get(url("asset-edit", other.public_id)).status_code == 403
    assert client.get(url("asset-edit", own.public_id)).status_code == 200


def test_a_stale_edit_is_refused_and_says_so(personas: Personas, login: Login) -> None:
    item = asset(personas)
    services.asset_update(asset=item, actor=None, version=1, purpose="Someone else's")
    response = login(personas.dpo).post(url("asset-edit", item.public_id), form_data(
        name="Core pupil data", group=str(item.group.public_id), version="1", purpose="Mine"))
    assert response.status_code == 200
    assert "Reload the page" in response.content.decode()
    item.refresh_from_db()
    assert item.purpose == "Someone else's"


def test_the_manager_changes_the_owner(personas: Personas, login: Login) -> None:
    item = asset(personas, owner_unmatched="Terence Hudson")
    terence = person(personas, "Terence Hudson")
    client = login(personas.siro)
    page = client.get(url("asset-edit", item.public_id)).content.decode()
    assert "Terence Hudson (not yet matched)" in page
    response = client.post(url("asset-edit", item.public_id), form_data(
        name=item.name, group=str(item.group.public_id), version="1",
        owner=f"person:{terence.public_id}"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.owner_person == terence and item.owner_unmatched == ""


def test_archive_and_settings_and_labels(personas: Personas, login: Login) -> None:
    item = asset(personas, access_labels=["Head"])
    client = login(personas.data_admin)
    assert client.get(url("asset-archive", item.public_id)).status_code == 200
    assert client.post(url("asset-archive", item.public_id)).status_code == 302
    item.refresh_from_db()
    assert item.archived_at is not None
    assert client.get(url("asset-edit", item.public_id)).status_code == 404
    assert "Archived on" in client.get(url("asset-detail", item.public_id)).content.decode()

    response = client.post(url("settings"), {
        "version": "1", "controller_name": "Oakfield Primary School",
        "controller_contact": "1 Oak Lane", "dpo_contact": "dpo@example.org",
        "review_interval_months": "0"})
    assert "Enter a number of months from 1 to 36." in response.content.decode()
    response = client.post(url("settings"), {
        "version": "1", "controller_name": "Oakfield Primary School",
        "controller_contact": "1 Oak Lane", "dpo_contact": "dpo@example.org",
        "review_interval_months": "6"})
    assert response.status_code == 302
    record = client.get(url("processing-record")).content.decode()
    assert "Oakfield Primary School" in record and "dpo@example.org" in record

    label = AccessLabel.objects.get()
    member = Membership.objects.get(user=personas.dsl)
    response = client.post(url("label-edit", label.public_id), {
        "label_text": "Headteacher", "members": [str(member.public_id)],
        "version": str(label.version)})
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.label == "Headteacher" and list(label.members.all()) == [member]
    assert personas.dsl.full_name in client.get(url("label-list")).content.decode()


def test_register_filters(personas: Personas, login: Login) -> None:
    terence = person(personas, "Terence Hudson")
    asset(personas, "Core pupil data", owner_person=terence)
    asset(personas, "Attendance", classification="official")
    client = login(personas.staff)
    response = client.get(url("asset-list"), {"owner": f"person:{terence.public_id}"})
    assert [a.name for a in response.context["page"].object_list] == ["Core pupil data"]
    response = client.get(url("asset-list"), {"classification": "official", "q": "atten"})
    assert [a.name for a in response.context["page"].object_list] == ["Attendance"]
    response = client.get(url("asset-list"), {"owner": "nonsense"})  # invalid: unfiltered
    assert response.status_code == 200 and response.context["page"].paginator.count == 2


def test_key_contacts_list_the_asset_owners(personas: Personas, login: Login) -> None:
    emma = person(personas, "Emma Allen", user=personas.siro)
    asset(personas, "Child protection data", owner_person=emma)
    asset(personas, "CCTV saved footage", group=group(personas, "Other"),
          owner_organisation=services.organisation_get_or_create(
              school=personas.school, name="CCTV support company", actor=None))
    html = login(personas.staff).get(reverse("tenancy:key-contacts")).content.decode()
    assert "Information asset owners" in html
    assert "Emma Allen (Pupil data (MIS))" in html and personas.siro.email in html
    assert "CCTV support company (outside organisation; Other)" in html
    assert 'href="mailto:"' not in html


# ---------------------------------------------------------------------------- query counts


def many_assets(personas: Personas, start: int, stop: int) -> None:
    sims = system_create(school=personas.school, actor=None, name=f"System {start}")
    organisation = services.organisation_get_or_create(school=personas.school,
                                                       name=f"Company {start}", actor=None)
    for number in range(start, stop):
        owner: dict[str, Any] = (
            {"owner_person": person(personas, f"Owner {number}")} if number % 3 == 0
            else {"owner_organisation": organisation} if number % 3 == 1
            else {"owner_unmatched": f"Name {number}"})
        asset(personas, f"Asset {number:03}", group=group(personas, f"Group {number % 4}"),
              access_labels=[f"Label {number % 5}", "Head"], systems=[sims],
              purpose="Teaching", **owner)


@pytest.mark.parametrize("page", ["asset-list", "appendix", "processing-record", "label-list"])
def test_lists_run_a_constant_number_of_queries(personas: Personas, login: Login,
                                                django_assert_num_queries: Any,
                                                page: str) -> None:
    client = login(personas.siro)
    many_assets(personas, 0, 3)
    client.get(url(page))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(page)).status_code == 200
    many_assets(personas, 3, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url(page))
    assert response.status_code == 200
    expected = "Label 4" if page == "label-list" else "Asset 039"
    assert expected in response.content.decode()


def test_the_register_paginates_at_50(personas: Personas, login: Login) -> None:
    many_assets(personas, 0, 55)
    client = login(personas.staff)
    first = client.get(url("asset-list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(url("asset-list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "Previous page" in second.content.decode()


def test_appendix_1_paginates_at_50_and_the_downloads_hold_everything(
        personas: Personas, login: Login) -> None:
    many_assets(personas, 0, 55)
    client = login(personas.staff)
    first = client.get(url("appendix"))
    assert sum(len(group.rows) for group in first.context["groups"]) == 50
    second = client.get(url("appendix"), {"page": 2})
    page = second.content.decode()
    assert sum(len(group.rows) for group in second.context["groups"]) == 5
    assert "Previous page" in page and "Assets 51 to 55 of 55" in page
    # A group cut by the page break is headed again on the next page.
    assert [group.name for group in second.context["groups"]] == ["Group 3"]
    csv_rows = client.get(url("appendix-csv")).content.decode().splitlines()
    assert len(csv_rows) == 1 + 4 + 55  # headings, four group rows, every asset


def test_the_owner_filter_offers_only_owners_of_current_assets(personas: Personas,
                                                                login: Login) -> None:
    kept, gone = person(personas, "Kept Owner"), person(personas, "Gone Owner")
    asset(personas, "Held", owner_person=kept)
    archived = asset(personas, "Archived", owner_person=gone)
    services.asset_archive(asset=archived, actor=None)
    response = login(personas.siro).get(url("asset-list"))
    page = response.content.decode()
    assert "Kept Owner" in page and "Gone Owner" not in page
