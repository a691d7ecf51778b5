"""The searches part's pages: the member asked to search sees their search's page and
nothing else of the request (not the request's page, not its checklist, not other
requests); the handlers make the checklist, ask members and keep the schedule through the
forms; the auditor reads; the lists keep their query counts as they grow."""

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
from tests.factories import MembershipFactory, UserFactory
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.assets.models import DataSubject
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.inforequests.models import Kind, Request, ScheduleItem, SearchTask
from schoolkeep.inforequests.progress.services import request_respond, request_withdraw
from schoolkeep.inforequests.searches.services import item_add, search_add, search_assign
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db
Login = Callable[[Any], Client]


def _task(personas: Personas, request: Request, assignee: Any, place: str = "Class notes",
          ) -> SearchTask:
    task = search_add(school=personas.school, actor=None, request=request, place=place)
    return search_assign(school=personas.school, actor=None, request=request, task=task,
                         assignee=assignee, due_on=timezone.localdate() + timedelta(days=5))


def _date(day: Any) -> dict[str, str]:
    return {"0": str(day.day), "1": str(day.month), "2": str(day.year)}


def _dated(name: str, day: Any) -> dict[str, str]:
    return {f"{name}_{part}": value for part, value in _date(day).items()}


def test_the_assignee_sees_their_search_and_nothing_else(personas: Personas,
                                                         login: Login) -> None:
    request = make_request(personas)
    other = make_request(personas, subject_name="Other Child",
                         description="Records of another child")
    mine = _task(personas, request, personas.staff, place="Year 5 trays")
    theirs = _task(personas, other, personas.it_lead)
    client = login(personas.staff)
    page = client.get(reverse("requests:search-detail", args=[mine.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for shown in (request.reference, "Sam Pupil", "Every record about Sam", "Year 5 trays",
                  "Record the search"):
        assert shown in html
    assert "Pat Parent" not in html and "pat@example.com" not in html  # not the requester
    assert client.get(reverse("requests:search-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("requests:search-list",
                              args=[request.public_id])).status_code == 404
    assert client.get(reverse("requests:item-list",
                              args=[request.public_id])).status_code == 404
    assert client.get(reverse("requests:request-detail",
                              args=[request.public_id])).status_code == 404
    listed = client.get(reverse("requests:request-list")).content.decode()
    assert request.reference in listed and other.reference not in listed


def test_the_search_leaves_the_assignee_once_hidden_or_reassigned(personas: Personas,
                                                                  login: Login) -> None:
    request = make_request(personas)
    task = _task(personas, request, personas.staff)
    url = reverse("requests:search-detail", args=[task.pk])
    search_assign(school=personas.school, actor=None, request=request, task=task,
                  assignee=personas.it_lead, due_on=timezone.localdate())
    assert login(personas.staff).get(url).status_code == 404
    request.hidden_from.add(personas.it_lead)
    assert login(personas.it_lead).get(url).status_code == 404
    assert login(personas.dpo).get(url).status_code == 200


def test_the_assignee_records_their_search_through_the_form(personas: Personas,
                                                            login: Login) -> None:
    request = make_request(personas)
    task = _task(personas, request, personas.staff)
    client = login(personas.staff)
    url = reverse("requests:search-detail", args=[task.pk])
    refused = client.post(url, {"state": "not_needed"})
    assert refused.status_code == 200
    assert "Enter the date of the search" in refused.content.decode()
    refused = client.post(url, {"state": "not_needed",
                                **_dated("searched_on", timezone.localdate())})
    assert "Enter a note" in refused.content.decode()
    done = client.post(url, {"state": "found", **_dated("searched_on", timezone.localdate()),
                             "note": "Two letters"})
    assert done.status_code == 302 and done["Location"] == url
    task.refresh_from_db()
    assert (task.state, task.searched_by) == ("found", personas.staff)


def test_the_auditor_reads_the_search_but_cannot_record_it(personas: Personas,
                                                           login: Login) -> None:
    request = make_request(personas)
    task = _task(personas, request, personas.staff)
    client = login(personas.auditor)
    url = reverse("requests:search-detail", args=[task.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Record the search" not in page.content.decode()
    assert client.post(url, {"state": "nothing"}).status_code == 403
    assert client.get(reverse("requests:search-list", args=[request.public_id])
                      ).status_code == 200


def test_the_dpo_makes_the_checklist_and_asks_a_member(personas: Personas,
                                                       login: Login) -> None:
    cpoms = system_create(school=personas.school, actor=None, name="CPOMS")
    group = group_get_or_create(school=personas.school, name="Pupils", actor=None)
    asset_create(school=personas.school, actor=None, group=group, name="Safeguarding records",
                 data_subjects=[DataSubject.PUPILS], systems=[cpoms])
    asset_create(school=personas.school, actor=None, group=group, name="Payroll",
                 data_subjects=[DataSubject.STAFF])
    request = make_request(personas)
    client = login(personas.dpo)
    listing = reverse("requests:search-list", args=[request.public_id])
    assert "Make the checklist from the asset register (1 asset)" in \
        client.get(listing).content.decode()
    assert client.get(reverse("requests:search-generate", args=[request.public_id])
                      ).status_code == 405
    made = client.post(reverse("requests:search-generate", args=[request.public_id]))
    assert made.status_code == 302
    task = SearchTask.objects.get(request=request)
    assert task.place == "Safeguarding records (in CPOMS)"
    assign = reverse("requests:search-assign", args=[task.pk])
    form = client.get(assign).content.decode()
    assert str(personas.dsl) in form and str(personas.auditor) not in form
    refused = client.post(assign, {"assignee": str(personas.dsl.public_id)})
    assert refused.status_code == 200 and "Enter the date the search is needed by" in \
        refused.content.decode()
    asked = client.post(assign, {"assignee": str(personas.dsl.public_id),
                                 **_dated("due_on", timezone.localdate())})
    assert asked.status_code == 302
    task.refresh_from_db()
    assert task.assignee == personas.dsl
    html = client.get(listing).content.decode()
    assert str(personas.dsl) in html and "Make the checklist" not in html


def test_the_dpo_keeps_the_schedule_through_the_forms(personas: Personas,
                                                      login: Login) -> None:
    request = make_request(personas)
    client = login(personas.dpo)
    add = reverse("requests:item-add", args=[request.public_id])
    form = client.get(add).content.decode()
    assert "Confidential references" in form and "FOI section 43" not in form
    refused = client.post(add, {"source": "CPOMS", "description": "Referral",
                                "decision": "withheld"})
    assert refused.status_code == 200
    assert "Choose the exemption relied on" in refused.content.decode()
    assert not ScheduleItem.objects.exists()
    added = client.post(add, {"source": "CPOMS", "description": "Referral",
                              "decision": "withheld", "exemption": "safeguarding"})
    assert added.status_code == 302
    item = ScheduleItem.objects.get()
    edit = client.post(reverse("requests:item-edit", args=[item.pk]), {
        "source": "CPOMS", "description": "Referral to social care",
        "decision": "redacted", "exemption": "third_party", "redactions": "Names"})
    assert edit.status_code == 302
    item.refresh_from_db()
    assert item.decision == "redacted"
    assert client.post(reverse("requests:item-remove", args=[item.pk])).status_code == 302
    assert not ScheduleItem.objects.exists()


def test_another_schools_search_and_item_are_not_found(personas: Personas,
                                                       login: Login) -> None:
    request = make_request(personas)
    task = _task(personas, request, personas.staff)
    item = item_add(school=personas.school, actor=None, request=request, source="SIMS",
                    description="Reports", decision="disclosed")
    client = login(personas.outsider)
    for url in (reverse("requests:search-detail", args=[task.pk]),
                reverse("requests:search-assign", args=[task.pk]),
                reverse("requests:item-edit", args=[item.pk]),
                reverse("requests:search-list", args=[request.public_id])):
        assert client.get(url).status_code == 404


def _grow(personas: Personas, request: Request, start: int, count: int) -> None:
    for n in range(start, start + count):
        task = search_add(school=personas.school, actor=None, request=request,
                          place=f"Place {n:02}")
        if n % 2:
            search_assign(school=personas.school, actor=None, request=request, task=task,
                          assignee=personas.staff, due_on=timezone.localdate())
        item_add(school=personas.school, actor=None, request=request, source=f"Place {n:02}",
                 description=f"Letter {n:02}", decision="withheld" if n % 3 else "disclosed",
                 exemption="third_party" if n % 3 else "")


@pytest.mark.parametrize("name", ["requests:search-list", "requests:item-list"])
def test_the_lists_query_count_does_not_grow(personas: Personas, login: Login,
                                             django_assert_num_queries: Any,
                                             steady_session: None, name: str) -> None:
    request = make_request(personas)
    client = login(personas.dpo)
    url = reverse(name, args=[request.public_id])
    _grow(personas, request, 0, 3)
    client.get(url)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(personas, request, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Place 39" in html


def test_the_request_page_shows_the_first_searches_and_items(personas: Personas,
                                                             login: Login) -> None:
    request = make_request(personas)
    _grow(personas, request, 0, 25)
    html = login(personas.dpo).get(reverse("requests:request-detail",
                                           args=[request.public_id])).content.decode()
    assert "Place 19" in html and "Place 24" not in html
    assert "The first 20 are shown here." in html
    assert reverse("requests:item-list", args=[request.public_id]) in html


@pytest.mark.parametrize("how", ["answered", "withdrawn"])
def test_the_search_page_closes_to_the_assignee_once_the_request_is_answered_or_withdrawn(
        personas: Personas, login: Login, how: str) -> None:
    request = make_request(personas)
    task = _task(personas, request, personas.staff)
    item = item_add(school=personas.school, actor=None, request=request, source="SIMS",
                    description="Reports", decision="disclosed")
    today = timezone.localdate()
    if how == "answered":
        request_respond(school=personas.school, actor=personas.dpo, request=request,
                        responded_on=today, outcome="full", response_channel="email")
    else:
        request_withdraw(school=personas.school, actor=personas.dpo, request=request,
                         withdrawn_on=today, reason="The parent withdrew it")
    url = reverse("requests:search-detail", args=[task.pk])
    recorded = {"state": "nothing", **_dated("searched_on", today)}
    staff = login(personas.staff)
    assert staff.get(url).status_code == 404
    assert staff.post(url, recorded).status_code == 404
    reason = f"This request was {how} on {today:%-d %B %Y}"
    dpo = login(personas.dpo)
    page = dpo.get(url).content.decode()
    assert reason in page and "Record the search" not in page
    refused = dpo.post(url, recorded, follow=True)
    assert refused.status_code == 200 and reason in refused.content.decode()
    for name, args in (("requests:item-add", [request.public_id]),
                       ("requests:item-edit", [item.pk]),
                       ("requests:search-add", [request.public_id]),
                       ("requests:search-assign", [task.pk])):
        assert dpo.get(reverse(name, args=args)).status_code == 302
    moved = dpo.post(reverse("requests:item-add", args=[request.public_id]),
                     {"source": "SIMS", "description": "More reports",
                      "decision": "disclosed"}, follow=True)
    assert reason in moved.content.decode()
    listing = dpo.get(reverse("requests:item-list", args=[request.public_id]))
    assert "Add an item" not in listing.content.decode()
    assert login(personas.auditor).get(url).status_code == 200
    task.refresh_from_db()
    assert task.state == "open" and ScheduleItem.objects.filter(request=request).count() == 1


def test_members_of_the_same_name_are_told_apart_on_the_form_to_ask(
        personas: Personas, login: Login) -> None:
    namesake: Any = UserFactory(email="other.staff@oakfield.example",
                           full_name=personas.staff.full_name)
    MembershipFactory(user=namesake, school=personas.school, roles=[Role.STAFF])
    request = make_request(personas)
    task = _task(personas, request, personas.staff)
    client = login(personas.dpo)
    assign = reverse("requests:search-assign", args=[task.pk])
    form = client.get(assign).content.decode()
    assert f"{namesake} (other.staff@oakfield.example)" in form
    assert f"{personas.staff} ({personas.staff.email})" in form
    asked = client.post(assign, {"assignee": str(namesake.public_id),
                                 **_dated("due_on", timezone.localdate())})
    assert asked.status_code == 302
    task.refresh_from_db()
    assert task.assignee_id == namesake.pk


@pytest.mark.parametrize(("kind", "offered", "not_offered"), [
    (Kind.FOI, "FOI section 42", ["EIR regulation", "Third-party personal data"]),
    (Kind.EIR, "EIR regulation 12(4)(b)", ["FOI section", "Third-party personal data"]),
])
def test_the_item_form_offers_the_exemptions_of_the_requests_law(
        personas: Personas, login: Login, kind: str, offered: str,
        not_offered: list[str]) -> None:
    request = make_request(personas, kind=kind, subject_type="", subject_name="",
                           requester_type="public")
    form = login(personas.dpo).get(reverse("requests:item-add", args=[request.public_id]))
    html = form.content.decode()
    assert offered in html and "Another exemption" in html
    for label in not_offered:
        assert label not in html
