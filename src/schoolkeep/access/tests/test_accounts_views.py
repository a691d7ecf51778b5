"""The accounts pages: the list with its filters and the gaps in words, the forms (Not known
never taken as No), the account's page, disabling by POST only, other schools' accounts a
404, read-only roles a 403, and a list whose query count does not grow with its rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts import services
from schoolkeep.access.models import AdministratorDbsException, SystemAccount
from schoolkeep.accounts.models import User
from schoolkeep.people.models import Check, CheckType
from schoolkeep.systems.tests.records import make_person, make_system

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("access:account-list")
CREATE = reverse("access:account-create")


def detail(account: SystemAccount) -> str:
    return reverse("access:account-detail", args=[account.public_id])


def add(personas: Personas, system, username: str, **fields) -> SystemAccount:
    return services.account_create(school=personas.school, actor=None, system=system,
                                   username=username, **fields)


def form_data(**values) -> dict[str, object]:
    data: dict[str, object] = {"username": "", "is_admin": "unknown", "mfa_on": "unknown",
                               "enabled": "yes"}
    data.update(values)
    return data


def test_list_shows_gaps_in_words_and_filters(personas: Personas, login: Login) -> None:
    sims, rdp = make_system(personas), make_system(personas, name="RDP")
    today = timezone.localdate()
    peter = make_person(personas.school, "Peter Gray")
    peter.leaving_date = today - timedelta(days=60)
    peter.save()
    ada = make_person(personas.school, "Ada Lovelace")
    add(personas, sims, "pgray", person=peter, is_admin=False, mfa_on=True)
    add(personas, sims, "office", is_shared=True, display_name="Office",
        responsible_person=ada, is_admin=False)
    add(personas, sims, "ghost", is_admin=False)
    add(personas, rdp, "ada.admin", person=ada, is_admin=True, mfa_on=False)
    client = login(personas.auditor)
    html = client.get(LIST).content.decode()
    assert "Accounts (4)" in html
    for words in ("Still enabled after the person left", "Shared, with no reason recorded",
                  "Matches nobody on the record", "Administrator without two-factor",
                  "Administrator without a DBS check"):
        assert html.count(words) == 1, words
    assert 'data-label="What it lacks"' in html and "Add an account" not in html
    by_system = client.get(LIST, {"system": str(rdp.public_id)}).content.decode()
    assert "Accounts (1)" in by_system and "ada.admin" in by_system
    admins = client.get(LIST, {"admin": "yes"}).content.decode()
    assert "Accounts (1)" in admins
    mine = client.get(LIST, {"person": str(ada.public_id)}).content.decode()
    assert "Accounts (2)" in mine and "Showing the accounts of Ada Lovelace" in mine
    assert "Accounts (1)" in client.get(LIST, {"q": "GHO"}).content.decode()
    stranger = make_person(personas.other_school, "Eve Other")
    assert client.get(LIST, {"person": str(stranger.public_id)}).status_code == 404


def test_an_administrator_with_a_dbs_check_or_an_exception_is_not_flagged(
        personas: Personas, login: Login) -> None:
    sims = make_system(personas)
    names = ("Checked Person", "Excepted Person", "Unchecked Person")
    checked, excepted, unchecked = (make_person(personas.school, name) for name in names)
    Check.objects.create(school=personas.school, person=checked,
                         check_type=CheckType.ENHANCED_DBS, status=Check.Status.DONE,
                         done_on=timezone.localdate())
    Check.objects.create(school=personas.school, person=unchecked,
                         check_type=CheckType.ENHANCED_DBS, status=Check.Status.PENDING)
    AdministratorDbsException.objects.create(school=personas.school, person=excepted,
                                             reason="Supplier engineer",
                                             recorded_by_label="SIRO")
    for person in (checked, excepted, unchecked):
        add(personas, sims, person.full_name, person=person, is_admin=True, mfa_on=True)
    add(personas, sims, "support", is_admin=True, mfa_on=True,
        dbs_exception="The supplier's support desk, under its contract")
    flagged = add(personas, sims, "nobody", is_admin=True, mfa_on=True)
    html = login(personas.siro).get(LIST).content.decode()
    rows = {name: row for name, row in re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', html, re.S)}
    lacking = {name for name, row in rows.items() if "Administrator without a DBS" in row}
    assert lacking == {"Unchecked Person", "nobody"}
    assert "Administrator without a DBS check" in login(personas.siro).get(
        detail(flagged)).content.decode()


def test_create_keeps_not_known_and_preselects_the_system(personas: Personas,
                                                          login: Login) -> None:
    sims = make_system(personas)
    ada = make_person(personas.school, "Ada Lovelace")
    client = login(personas.it_lead)
    page = client.get(CREATE, {"system": str(sims.public_id)}).content.decode()
    assert re.search(rf'<option value="{sims.public_id}" selected>', page)
    assert re.search(r'value="unknown"[^>]*checked', page)
    names = set(re.findall(r'name="([^"]+)"', page))
    assert {"username", "is_admin", "mfa_on", "enabled", "person"} <= names
    assert not [name for name in names
                if re.search("password|pin|secret|credential", name)], names
    response = client.post(CREATE, form_data(system=str(sims.public_id), username="ada",
                                             person=str(ada.public_id)))
    account = SystemAccount.objects.get()
    assert response.status_code == 302 and response.url == detail(account)
    assert account.person == ada and account.is_admin is None and account.mfa_on is None
    assert account.enabled is True


def test_create_error_names_the_field_and_saves_nothing(personas: Personas,
                                                         login: Login) -> None:
    sims = make_system(personas)
    add(personas, sims, "Office", is_shared=False)
    client = login(personas.siro)
    response = client.post(CREATE, form_data(system=str(sims.public_id), username="office"))
    assert response.status_code == 200
    assert "This system already has an account office" in response.content.decode()
    response = client.post(CREATE, form_data(system=str(sims.public_id), username="desk",
                                             is_shared="on"))
    assert "Give the shared account a name" in response.content.decode()
    assert SystemAccount.objects.count() == 1


def test_edit_checks_the_version(personas: Personas, login: Login) -> None:
    sims = make_system(personas)
    account = add(personas, sims, "ada", is_admin=True)
    client = login(personas.it_lead)
    url = reverse("access:account-edit", args=[account.public_id])
    page = client.get(url).content.decode()
    assert re.search(r'name="is_admin" value="yes"[^>]*checked', page)
    response = client.post(url, form_data(version="1", username="ada", is_admin="yes",
                                          mfa_on="yes"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.mfa_on is True and account.version == 2
    stale = client.post(url, form_data(version="1", username="ada", mfa_on="no"))
    assert stale.status_code == 200 and "Someone else changed this account" in \
        stale.content.decode()
    account.refresh_from_db()
    assert account.mfa_on is True


def test_disable_is_post_only_and_detail_shows_the_shared_facts(personas: Personas,
                                                                 login: Login) -> None:
    sims = make_system(personas)
    ada, bob = make_person(personas.school, "Ada Lovelace"), make_person(personas.school,
                                                                          "Bob Smith")
    account = add(personas, sims, "office", is_shared=True, display_name="Office",
                  responsible_person=ada, shared_with=[bob], shared_reason="Reception desk")
    client = login(personas.it_lead)
    html = client.get(detail(account)).content.decode()
    assert "Bob Smith" in html and "Reception desk" in html and "Ada Lovelace" in html
    assert "Record as disabled" in html
    url = reverse("access:account-disable", args=[account.public_id])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url == detail(account)
    account.refresh_from_db()
    assert account.enabled is False and account.disabled_on == timezone.localdate()
    assert "Record as disabled" not in client.get(detail(account)).content.decode()


def test_other_school_is_404_and_read_only_roles_403(personas: Personas,
                                                      login: Login) -> None:
    sims = make_system(personas)
    account = add(personas, sims, "ada")
    outsider = login(personas.outsider)
    assert outsider.get(detail(account)).status_code == 404
    assert outsider.post(reverse("access:account-disable",
                                 args=[account.public_id])).status_code == 404
    auditor = login(personas.auditor)
    assert auditor.get(detail(account)).status_code == 200
    assert auditor.post(reverse("access:account-disable",
                                args=[account.public_id])).status_code == 403
    assert auditor.get(CREATE).status_code == 403
    account.refresh_from_db()
    assert account.enabled is True


def _populate(personas: Personas, start: int, count: int) -> None:
    systems = [make_system(personas, name=f"System {start + n}") for n in range(2)]
    for n in range(start, start + count):
        person = make_person(personas.school, f"Person {n:02d}")
        responsible = make_person(personas.school, f"Responsible {n:02d}")
        add(personas, systems[n % 2], f"user{n:02d}", person=person if n % 3 else None,
            is_shared=not n % 3, display_name="Shared" if not n % 3 else "",
            responsible_person=None if n % 3 else responsible, is_admin=bool(n % 2),
            mfa_on=None)


def test_list_query_count_does_not_grow(personas: Personas, login: Login,
                                        django_assert_num_queries) -> None:
    client = login(personas.it_lead)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Accounts (40)" in html
