"""The checklist pages and /api/v1/leavers: who may read and act, another school's
checklist is a 404, a step posted from the page goes through its service, and the lists
(and a checklist's page) run the same number of queries for 3 and for 40 rows."""

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

from schoolkeep.access.accounts.services import account_create
from schoolkeep.access.models import SystemAccount
from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.assets.models import Asset
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.leavers.tests.records import Leaver, make_asset, make_leaver, make_person
from schoolkeep.people.services import person_mark_leaver
from schoolkeep.systems.services import system_create

Login = Callable[[User], Client]
Kind = StepRecord.Kind
LIST = reverse("leavers:checklist-list")
API = reverse("api:leaver-list")


def _detail(leaver: Leaver) -> str:
    return reverse("leavers:checklist-detail", args=[leaver.checklist.public_id])


def _more_leavers(personas: Personas, leaver: Leaver, count: int, first: int = 0) -> None:
    """``count`` more leavers, each with an account, an asset and a cycle on the system."""
    today = timezone.localdate()
    for index in range(first, first + count):
        person = make_person(personas.school, f"Leaver {index:02d}",
                             start_date=today - timedelta(days=500))
        account_create(school=personas.school, actor=None, system=leaver.system,
                       username=f"leaver{index}", person=person)
        make_asset(personas.school, f"Asset {index:02d}", person, leaver.system)
        leaver.cycle.holders.add(person)
        person_mark_leaver(person=person, actor=None, leaving_date=today)


def _queries(run: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = run()
    assert response.status_code == 200
    return len(captured)


def test_readers_read_and_others_are_refused(personas: Personas, login: Login) -> None:
    leaver = make_leaver(personas)
    page = login(personas.business_manager).get(_detail(leaver))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pupil records (SIMS)" in html and "Record as not needed" in html
    # The business manager may not change systems: told who does it, no form.
    assert "Someone who may change that register records this step" in html
    assert login(personas.auditor).get(_detail(leaver)).status_code == 200
    assert "Record as not needed" not in login(personas.auditor).get(
        _detail(leaver)).content.decode()
    assert login(personas.staff).get(_detail(leaver)).status_code == 403
    assert login(personas.outsider).get(_detail(leaver)).status_code == 404
    assert login(personas.auditor).post(
        reverse("leavers:step-record", args=[leaver.checklist.public_id])).status_code == 403


def test_a_step_posted_from_the_page_is_done_and_recorded(personas: Personas,
                                                          login: Login) -> None:
    leaver = make_leaver(personas)
    browser = login(personas.siro)
    response = browser.post(reverse("leavers:step-record", args=[leaver.checklist.public_id]),
                            {"kind": Kind.HAND_OVER_ASSET,
                             "subject_id": str(leaver.asset.public_id),
                             "new_holder": str(leaver.colleague.public_id)})
    assert response.status_code == 302
    assert Asset.objects.get(pk=leaver.asset.pk).owner_person == leaver.colleague
    html = browser.get(_detail(leaver)).content.decode()
    assert "Recorded: Pupil records (SIMS)." in html
    assert "Done" in html and str(personas.siro) in html


def test_a_refused_step_says_why(personas: Personas, login: Login) -> None:
    leaver = make_leaver(personas)
    browser = login(personas.siro)
    browser.post(reverse("leavers:step-record", args=[leaver.checklist.public_id]),
                 {"kind": Kind.HAND_OVER_ASSET, "subject_id": str(leaver.asset.public_id),
                  "not_needed": "on"})
    html = browser.get(_detail(leaver)).content.decode()
    assert "Say why this step is not needed." in html
    assert not StepRecord.objects.exists()


def test_the_person_page_lists_their_checklist(personas: Personas, login: Login) -> None:
    leaver = make_leaver(personas)
    url = reverse("people:person-detail", args=[leaver.person.public_id])
    assert _detail(leaver) in login(personas.business_manager).get(url).content.decode()
    assert _detail(leaver) not in login(personas.governor).get(url).content.decode()


def test_pages_and_api_cost_the_same_for_3_and_40_rows(personas: Personas, login: Login,
                                                       client: Client,
                                                       steady_session: None) -> None:
    leaver = make_leaver(personas)
    _more_leavers(personas, leaver, 2)
    browser = login(personas.siro)
    _, secret = token_create(user=personas.siro, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.get(API, {"school": "oakfield"}, **headers)  # the token's first use is recorded
    few = (_queries(lambda: browser.get(LIST)), _queries(lambda: browser.get(_detail(leaver))),
           _queries(lambda: client.get(API, {"school": "oakfield"}, **headers)))
    _more_leavers(personas, leaver, 37, first=2)
    system = system_create(school=personas.school, actor=None, name="FMS",
                           administrators=[leaver.person])
    account_create(school=personas.school, actor=None, system=system, username="pg2",
                   person=leaver.person)
    assert Checklist.objects.count() == 40
    many = (_queries(lambda: browser.get(LIST)), _queries(lambda: browser.get(_detail(leaver))),
            _queries(lambda: client.get(API, {"school": "oakfield"}, **headers)))
    assert few == many


def test_the_api_lists_each_leaver_with_their_steps_and_records(personas: Personas,
                                                                client: Client) -> None:
    leaver = make_leaver(personas)
    account = SystemAccount.objects.get(pk=leaver.account.pk)
    from schoolkeep.leavers.services import step_record

    step_record(checklist=leaver.checklist, kind=Kind.DISABLE_ACCOUNT,
                subject_id=str(account.public_id), actor=personas.it_lead)
    _, secret = token_create(user=personas.business_manager, name="test")
    body = client.get(API, {"school": "oakfield"},
                      HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    [item] = body["items"]
    assert item["person"]["full_name"] == "Peter Gray" and body["count"] == 1
    assert [step["kind"] for step in item["steps"]] == [
        "hand_over_asset", "replace_administrator", "replace_cycle_holder"]
    [record] = item["records"]
    assert record["kind"] == "disable_account" and record["done_by"] == str(personas.it_lead)
    _, staff = token_create(user=personas.staff, name="test")
    assert client.get(API, {"school": "oakfield"},
                      HTTP_AUTHORIZATION=f"Bearer {staff}").status_code == 403


@pytest.mark.parametrize("show", ["open", "all"])
def test_the_list_shows_open_checklists_first(personas: Personas, login: Login,
                                              show: str) -> None:
    leaver = make_leaver(personas)
    Checklist.objects.filter(pk=leaver.checklist.pk).update(closed_at=timezone.now())
    other = make_leaver(personas, name="Olive Open", system_name="FMS")
    html = login(personas.siro).get(LIST, {"show": show}).content.decode()
    assert "Olive Open" in html
    assert ("Peter Gray" in html) == (show == "all")
    if show == "all":
        assert html.index("Olive Open") < html.index("Peter Gray")
    assert other.checklist.closed_at is None


def test_a_starters_page_shows_the_policy_the_checks_and_the_accounts_to_make(
        personas: Personas, login: Login) -> None:
    from schoolkeep.agreements.aups.services import aups_set_up

    aups_set_up(school=personas.school, actor=personas.business_manager)
    starter = make_person(personas.school, "Daniel Price",
                          start_date=timezone.localdate() - timedelta(days=10))
    checklist = Checklist.objects.get(person=starter, kind=Checklist.Kind.STARTER)
    html = login(personas.it_lead).get(
        reverse("leavers:checklist-detail", args=[checklist.public_id])).content.decode()
    assert "Sign the acceptable use policy" in html and "Not signed yet." in html
    assert "Complete the Single Central Record checks" in html
    assert reverse("people:person-detail", args=[starter.public_id]) in html


def test_a_movers_page_offers_keep_or_disable_for_each_account(personas: Personas,
                                                               login: Login) -> None:
    from schoolkeep.people.services import person_update

    leaver = make_leaver(personas)
    mover = make_person(personas.school, "Mo Mover", job_title="Teacher")
    account = account_create(school=personas.school, actor=None, system=leaver.system,
                             username="mo", person=mover)
    person_update(person=mover, actor=None, version=mover.version, job_title="Head of year")
    checklist = Checklist.objects.get(person=mover, kind=Checklist.Kind.MOVER)
    url = reverse("leavers:checklist-detail", args=[checklist.public_id])
    browser = login(personas.it_lead)
    html = browser.get(url).content.decode()
    assert "Teacher → Head of year" in html
    assert "Keep: still needed in the new post" in html and "Disabled on the system today" in html
    browser.post(reverse("leavers:step-record", args=[checklist.public_id]),
                 {"kind": Kind.DISABLE_ACCOUNT, "subject_id": str(account.public_id)})
    assert SystemAccount.objects.get(pk=account.pk).enabled is False
    html = browser.get(url).content.decode()
    assert "Nothing is left to do" in html and "Close the checklist" in html
    browser.post(reverse("leavers:checklist-close", args=[checklist.public_id]))
    checklist.refresh_from_db()
    assert checklist.closed_at is not None
