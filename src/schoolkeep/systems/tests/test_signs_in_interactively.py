"""A system says whether people sign in to it themselves (``signs_in_interactively``): a new
backup service defaults to off, in the service, the form and the API; the page says so. The
system's page links its accounts and "Mark as possibly compromised" for who may use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.systems import services
from schoolkeep.systems.models import System
from schoolkeep.systems.tests.test_views import form_data

Login = Callable[[User], Client]
CREATE = reverse("systems:system-create")


def test_a_backup_service_defaults_to_off_and_any_other_kind_to_on(personas: Personas):
    school = personas.school
    backup = services.system_create(school=school, actor=None, name="Nightly copy", kind="backup")
    mis = services.system_create(school=school, actor=None, name="SIMS", kind="mis")
    chosen = services.system_create(school=school, actor=None, name="Backup console",
                                    kind="backup", signs_in_interactively=True)
    from_catalogue = services.system_add_from_catalogue(school=school, actor=None,
                                                        key="jkcloud")
    assert not backup.signs_in_interactively and mis.signs_in_interactively
    assert chosen.signs_in_interactively and not from_catalogue.signs_in_interactively
    changed = services.system_update(system=mis, actor=None, version=mis.version,
                                     signs_in_interactively=False)
    assert not changed.signs_in_interactively and changed.version == mis.version + 1


def test_the_form_offers_it_with_plain_help_and_the_page_says_it(personas: Personas,
                                                                 login: Login):
    client = login(personas.it_lead)
    page = client.get(CREATE).content.decode()
    assert "Off for services used by software, such as backups: their automatic log-off is " \
           "not checked." in page
    client.post(CREATE, form_data(name="JKCloud", kind="backup", signs_in_interactively=""))
    client.post(CREATE, form_data(name="Parent Mail", signs_in_interactively="no"))
    client.post(CREATE, form_data(name="Portal", kind="backup", signs_in_interactively="yes"))
    found = dict(System.objects.values_list("name", "signs_in_interactively"))
    assert found == {"JKCloud": False, "Parent Mail": False, "Portal": True}
    portal = System.objects.get(name="Portal")
    edit = reverse("systems:system-edit", args=[portal.public_id])
    assert 'value="yes" selected' in client.get(edit).content.decode()
    client.post(edit, form_data(name="Portal", kind="backup", signs_in_interactively="no",
                                version=portal.version))
    portal.refresh_from_db()
    assert not portal.signs_in_interactively
    detail = client.get(reverse("systems:system-detail", args=[portal.public_id]))
    text = detail.content.decode()
    assert "it is used by software, so its automatic log-off is not checked" in text
    assert "Used by software: log-off not checked" in text


def test_the_api_reads_and_writes_it(client: Any, personas: Personas):
    _, secret = token_create(user=personas.it_lead, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = reverse("api:system-list")
    made = client.post(url, {"school": "oakfield", "name": "JKCloud", "kind": "backup"},
                       content_type="application/json", **headers)
    assert made.status_code == 201 and made.json()["signs_in_interactively"] is False
    system = System.objects.get(name="JKCloud")
    detail = reverse("api:system-detail", args=[system.public_id])
    patched = client.patch(f"{detail}?school=oakfield",
                           {"version": system.version, "signs_in_interactively": True},
                           content_type="application/json", **headers)
    assert patched.status_code == 200 and patched.json()["signs_in_interactively"] is True


def test_the_page_links_the_accounts_and_marking_compromised_by_permission(
        personas: Personas, login: Login):
    system = services.system_create(school=personas.school, actor=None, name="SIMS")
    url = reverse("systems:system-detail", args=[system.public_id])
    accounts = f'{reverse("access:account-list")}?system={system.public_id}'
    compromised = reverse("passwords:system-compromised", args=[system.public_id])
    it_lead = login(personas.it_lead).get(url).content.decode()
    assert accounts in it_lead and compromised in it_lead
    assert "Mark as possibly compromised" in it_lead
    auditor = login(personas.auditor).get(url).content.decode()  # access.view only
    assert accounts in auditor and compromised not in auditor
    data_admin = login(personas.data_admin).get(url).content.decode()  # systems.view only
    assert "Accounts on this system" not in data_admin and compromised not in data_admin
