"""Pages of the systems register: who reads and who writes, another school's system is a
404, forms that work without JavaScript, the catalogue, constant query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout, parse

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.systems import services
from schoolkeep.systems.models import System
from schoolkeep.systems.tests.records import make_asset, make_person, make_system

Login = Callable[[User], Client]

READERS = ["siro", "dpo", "it_lead", "data_admin", "business_manager", "auditor",
           "trust_admin"]
NOT_READERS = ["iao", "dsl", "hr_admin", "staff", "governor"]
MANAGERS = ["siro", "dpo", "it_lead"]
READ_ONLY = ["data_admin", "business_manager", "auditor", "trust_admin"]

LIST = reverse("systems:system-list")
CREATE = reverse("systems:system-create")
CATALOGUE = reverse("systems:catalogue")
CATALOGUE_ADD = reverse("systems:catalogue-add")


def detail(system: System) -> str:
    return reverse("systems:system-detail", args=[system.public_id])


def edit(system: System) -> str:
    return reverse("systems:system-edit", args=[system.public_id])


def archive(system: System) -> str:
    return reverse("systems:system-archive", args=[system.public_id])


def form_data(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "Parent Mail", "kind": "messaging", "supplier": "",
                               "description": "", "hosting": "", "mfa_for": "",
                               "remote_access_method": "", "auto_logoff_minutes": "",
                               "auto_logoff_checked_on": "", "notes": ""}
    data.update(fields)
    return data


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize("persona", READERS)
def test_readers_see_the_list_and_a_system(personas: Personas, login: Login,
                                           persona: str) -> None:
    system = make_system(personas, supplier="Capita")
    client = login(getattr(personas, persona))
    html = client.get(LIST).content.decode()
    assert "SIMS" in html and "Capita" in html
    response = client.get(detail(system))
    assert response.status_code == 200
    can_manage = persona in MANAGERS
    assert (edit(system) in response.content.decode()) is can_manage
    assert (CREATE in html) is can_manage


@pytest.mark.parametrize("persona", NOT_READERS)
def test_roles_without_systems_view_get_403(personas: Personas, login: Login,
                                            persona: str) -> None:
    system = make_system(personas)
    client = login(getattr(personas, persona))
    for url in (LIST, detail(system), CATALOGUE):
        assert client.get(url).status_code == 403


def test_the_navigation_links_systems_for_readers_only(personas: Personas,
                                                       login: Login) -> None:
    assert LIST in login(personas.auditor).get(CATALOGUE).content.decode()
    home = reverse("people:person-list")
    assert f'href="{LIST}"' not in login(personas.staff).get(home).content.decode()
    assert f'href="{LIST}"' in login(personas.it_lead).get(home).content.decode()


def test_another_schools_system_is_a_404(personas: Personas, login: Login) -> None:
    theirs = services.system_create(school=personas.other_school, actor=personas.outsider,
                                    name="Their MIS")
    client = login(personas.siro)
    for url in (detail(theirs), edit(theirs), archive(theirs)):
        assert client.get(url).status_code == 404
    assert client.post(edit(theirs), form_data()).status_code == 404
    assert client.post(archive(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.archived_at is None and theirs.name == "Their MIS"
    assert "Their MIS" not in client.get(LIST).content.decode()


def test_the_list_shows_two_factor_and_log_off_at_a_glance(personas: Personas,
                                                           login: Login) -> None:
    today = timezone.localdate()
    make_system(personas, name="CPOMS", mfa_required=True, mfa_enabled=True,
                auto_logoff_minutes=10, auto_logoff_checked_on=today)
    make_system(personas, name="FMS", mfa_required=True, auto_logoff_minutes=1,
                auto_logoff_checked_on=today - timedelta(days=400))
    make_system(personas, name="Website")
    response = login(personas.auditor).get(LIST)
    html = response.content.decode()
    assert "Two-factor on" in html
    assert "Two-factor required but not on" in html
    assert "No two-factor" in html
    assert "Log-off after 10 minutes, checked" in html
    assert "Log-off after 1 minute, check due" in html
    assert "No automatic log-off recorded" in html
    assert_csp_clean(response)
    assert_our_layout(response)


def test_the_list_filters_by_kind_and_search(personas: Personas, login: Login) -> None:
    make_system(personas, name="SIMS", kind="mis", supplier="Capita")
    make_system(personas, name="CPOMS", kind="safeguarding")
    old = make_system(personas, name="Old backup", kind="backup")
    services.system_archive(system=old, actor=personas.siro)
    client = login(personas.dpo)
    html = client.get(LIST, {"kind": "safeguarding"}).content.decode()
    assert "CPOMS" in html and "SIMS" not in html
    html = client.get(LIST, {"q": "capita"}).content.decode()
    assert "SIMS" in html and "CPOMS" not in html
    assert "Old backup" not in client.get(LIST).content.decode()
    html = client.get(LIST, {"archived": "on"}).content.decode()
    assert "Old backup" in html and "Archived" in html


def test_the_list_is_paginated(personas: Personas, login: Login) -> None:
    for n in range(52):
        make_system(personas, name=f"System {n:02d}")
    client = login(personas.siro)
    first = client.get(LIST).content.decode()
    assert "System 49" in first and "System 50" not in first and "Page 1 of 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "System 51" in second and "System 00" not in second


def _populate(personas: Personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        admin = make_person(personas.school, f"Admin {n:02d}")
        system = make_system(personas, name=f"System {n:02d}", administrators=[admin])
        make_asset(personas.school, f"Asset {n:02d}", system)


@pytest.mark.parametrize("url_name", ["systems:system-list", "systems:catalogue"])
def test_query_count_does_not_grow_with_systems(personas: Personas, login: Login,
                                                django_assert_num_queries, steady_session,
                                                url_name: str) -> None:
    client = login(personas.it_lead)
    url = reverse(url_name)
    _populate(personas, 0, 3)
    client.get(url)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    if url_name == "systems:system-list":
        assert "Systems (40)" in response.content.decode()


def test_detail_query_count_does_not_grow(personas: Personas, login: Login,
                                          django_assert_num_queries) -> None:
    system = make_system(personas)
    client = login(personas.auditor)
    client.get(detail(system))
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail(system)).status_code == 200
    for n in range(20):
        make_asset(personas.school, f"Asset {n}", system, group=f"Group {n % 4}")
    admins = [make_person(personas.school, f"Admin {n}") for n in range(10)]
    services.system_update(system=system, actor=personas.siro, version=1,
                           administrators=admins)
    with django_assert_num_queries(len(few)):
        html = client.get(detail(system)).content.decode()
    assert "Asset 19" in html and "Admin 9" in html


def test_detail_shows_everything_with_assets_administrators_and_history(
        personas: Personas, login: Login) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    system = make_system(personas, supplier="Capita", hosting="Supplier's cloud",
                         mfa_required=True, mfa_enabled=True, mfa_for="Administrators",
                         remote_access_method="RAV3", auto_logoff_minutes=15,
                         auto_logoff_checked_on=timezone.localdate(),
                         notes="Renewal in May", administrators=[ada])
    held = make_asset(personas.school, "Core pupil data", system,
                      classification="official_sensitive")
    make_asset(personas.school, "Gone", system, archived_at=timezone.now())
    response = login(personas.auditor).get(detail(system))
    html = response.content.decode()
    for text in ("Capita", "Supplier&#x27;s cloud", "Administrators", "RAV3",
                 "After 15 idle minutes", "Data processing agreement",
                 "No outside organisation recorded", "Renewal in May", "Ada Lovelace",
                 "Core pupil data", "OFFICIAL-SENSITIVE", "History", "System added"):
        assert text in html, text
    assert "Gone" not in html
    assert reverse("people:person-detail", args=[ada.public_id]) in html
    assert reverse("assets:asset-detail", args=[held.public_id]) in html
    assert_csp_clean(response)


# ---------------------------------------------------------------------------- writing


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_get_403_on_every_write(personas: Personas, login: Login,
                                                persona: str) -> None:
    system = make_system(personas)
    client = login(getattr(personas, persona))
    for url in (CREATE, edit(system), archive(system)):
        assert client.get(url).status_code == 403
        assert client.post(url, form_data()).status_code == 403
    assert client.post(CATALOGUE_ADD, {"key": "cpoms"}).status_code == 403
    assert System.objects.count() == 1
    system.refresh_from_db()
    assert system.archived_at is None and system.version == 1


def test_create_adds_a_system_and_goes_to_its_page(personas: Personas, login: Login) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    client = login(personas.it_lead)
    page = client.get(CREATE)
    assert page.status_code == 200 and "Ada Lovelace" in page.content.decode()
    assert_csp_clean(page)
    response = client.post(CREATE, form_data(administrators=[str(ada.public_id)],
                                              auto_logoff_minutes="10", mfa_enabled="on"))
    system = System.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(system)
    assert system.name == "Parent Mail" and system.mfa_enabled
    assert system.auto_logoff_minutes == 10
    assert list(system.administrators.all()) == [ada]
    assert AuditEvent.objects.filter(action="systems.system.created",
                                     actor=personas.it_lead).count() == 1


def test_errors_use_the_error_summary_and_name_the_field(personas: Personas,
                                                         login: Login) -> None:
    make_system(personas, name="Parent Mail")
    client = login(personas.it_lead)
    response = client.post(CREATE, form_data(name="parent mail"))
    assert response.status_code == 200
    parts = parse(response)
    assert parts.find("div", **{"class": "error-summary"})
    assert parts.find("a", href="#id_name")
    assert "already has a system called Parent Mail" in response.content.decode()
    response = client.post(CREATE, form_data(name="", auto_logoff_minutes="0"))
    html = response.content.decode()
    assert "Enter the system&#x27;s name." in html and "Enter at least 1 minute." in html
    assert System.objects.count() == 1


def test_edit_saves_with_the_version_it_read(personas: Personas, login: Login) -> None:
    system = make_system(personas, supplier="Capita")
    client = login(personas.dpo)
    page = client.get(edit(system))
    field = parse(page).find("input", name="version")
    assert field and field[0]["type"] == "hidden" and field[0]["value"] == "1"
    response = client.post(edit(system), form_data(name="SIMS", kind="mis", version="1",
                                                   supplier="ESS"))
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.supplier == "ESS" and system.version == 2


def test_a_stale_edit_is_refused_and_says_so(personas: Personas, login: Login) -> None:
    system = make_system(personas)
    services.system_update(system=system, actor=personas.siro, version=1, notes="Newer")
    response = login(personas.dpo).post(edit(system), form_data(name="SIMS", version="1",
                                                                 notes="Older"))
    assert response.status_code == 200
    assert "Someone else changed this system" in response.content.decode()
    assert "Reload the page" in response.content.decode()
    system.refresh_from_db()
    assert system.notes == "Newer"


def test_archive_confirms_on_get_and_archives_on_post(personas: Personas,
                                                      login: Login) -> None:
    system = make_system(personas)
    client = login(personas.siro)
    page = client.get(archive(system))
    assert page.status_code == 200 and "Archive SIMS" in page.content.decode()
    system.refresh_from_db()
    assert system.archived_at is None  # GET changes nothing
    response = client.post(archive(system))
    assert response.status_code == 302 and response["Location"] == detail(system)
    system.refresh_from_db()
    assert system.archived_at is not None
    html = client.get(detail(system)).content.decode()
    assert "Archived on" in html and edit(system) not in html
    # An archived system's forms send the user back to its page.
    assert client.get(edit(system))["Location"] == detail(system)
    assert client.post(archive(system))["Location"] == detail(system)
    assert AuditEvent.objects.filter(action="systems.system.archived").count() == 1


# ---------------------------------------------------------------------------- catalogue


def test_the_catalogue_marks_what_is_added_and_offers_the_rest(personas: Personas,
                                                               login: Login) -> None:
    make_system(personas, name="sims")  # added by hand under the catalogue's name
    services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                       key="cpoms")
    response = login(personas.it_lead).get(CATALOGUE)
    parts = parse(response)
    keys = {str(field["value"]) for field in parts.find("input", name="key")}
    assert "sims" not in keys and "cpoms" not in keys
    assert {"fms", "uso", "uso-fx2", "dfe-s2s", "redstor"} <= keys and len(keys) == 13
    html = response.content.decode()
    assert html.count(">Added<") == 2
    assert "The DfE&#x27;s site for securely transferring CTF pupil data files" in html
    assert_csp_clean(response)


def test_readers_see_the_catalogue_without_add_buttons(personas: Personas,
                                                       login: Login) -> None:
    response = login(personas.auditor).get(CATALOGUE)
    assert response.status_code == 200
    assert not parse(response).find("input", name="key")
    assert "Freedom2Roam" in response.content.decode()


def test_adding_from_the_catalogue(personas: Personas, login: Login) -> None:
    client = login(personas.it_lead)
    assert client.get(CATALOGUE_ADD).status_code == 405
    response = client.post(CATALOGUE_ADD, {"key": "egress"})
    egress = System.objects.get(catalogue_key="egress")
    assert response["Location"] == detail(egress)
    assert egress.kind == System.Kind.FILE_TRANSFER
    again = client.post(CATALOGUE_ADD, {"key": "egress"}, follow=True)
    assert "Egress is already in the register." in again.content.decode()
    unknown = client.post(CATALOGUE_ADD, {"key": "nothing"}, follow=True)
    assert "Choose a service from the catalogue." in unknown.content.decode()
    assert System.objects.count() == 1
