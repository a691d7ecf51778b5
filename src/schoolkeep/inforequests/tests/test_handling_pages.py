"""The requests list, a request's page with its deadline at the top, and the forms of the
record: what each shows, the countdown in words, and constant query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.fixtures import own_browser
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.inforequests.handling.selectors import Countdown
from schoolkeep.inforequests.models import Kind, Request, ScheduleItem
from schoolkeep.inforequests.progress.services import request_respond
from schoolkeep.inforequests.searches.services import item_add, search_add, search_assign
from schoolkeep.inforequests.tests.handling_support import full_request

Login = Callable[[User], Client]

pytestmark = pytest.mark.usefixtures("steady_session")


def detail(request_obj: Request) -> str:
    return reverse("requests:request-detail", args=[request_obj.public_id])


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _dates(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# ---------------------------------------------------------------------------- the countdown


@pytest.mark.parametrize(("days", "words", "colour"), [
    (12, "12 days left", "yellow"), (1, "1 day left", "red"), (0, "due today", "red"),
    (-1, "1 day overdue", "red"), (-3, "3 days overdue", "red"), (20, "20 days left", "blue")])
def test_the_countdown_in_words(days: int, words: str, colour: str) -> None:
    countdown = Countdown(days)
    assert (countdown.words, countdown.colour, countdown.overdue) == (words, colour, days < 0)


# ---------------------------------------------------------------------------- the page


def test_the_page_shows_the_deadline_rule_moves_record_and_parts(personas: Personas,
                                                                 login: Login) -> None:
    request_obj = full_request(personas)
    html = page(login(personas.dpo), detail(request_obj))
    left = (request_obj.due_on - timezone.localdate()).days
    assert f"{left} days left" in html
    assert f"{request_obj.due_on.day} {request_obj.due_on:%B %Y}" in html  # UK date
    assert "How the deadline moved" in html and "Proof of identity" in html
    assert "one month" in html.lower()  # the rule in plain English
    for shown in ("Pat Parent", "Sam Pupil", "Every record about Sam", "CPOMS 0",
                  "Behaviour log 1", "Many records across years", "History",
                  "Request logged"):
        assert shown in html, shown
    for link in ("request-edit", "request-identity", "request-hide", "request-letter"):
        assert reverse(f"requests:{link}", args=[request_obj.public_id]) in html


def test_the_auditor_reads_without_the_forms(personas: Personas, login: Login) -> None:
    request_obj = make_request(personas)
    html = page(login(personas.auditor), detail(request_obj))
    assert "Pat Parent" in html and "days left" in html
    for link in ("request-edit", "request-identity", "request-hide", "request-letter"):
        assert reverse(f"requests:{link}", args=[request_obj.public_id]) not in html


def test_an_answered_request_says_when_and_has_no_countdown(personas: Personas,
                                                            login: Login) -> None:
    request_obj = make_request(personas)
    request_respond(school=personas.school, actor=personas.dpo, request=request_obj,
                    responded_on=timezone.localdate(), outcome="full",
                    response_channel="email")
    html = page(login(personas.dpo), detail(request_obj))
    assert "Answered on" in html and "days left" not in html


def test_an_estimated_deadline_says_so(personas: Personas, login: Login) -> None:
    # 15 school days with no term dates entered: worked out on estimated ones.
    request_obj = make_request(personas, kind=Kind.EDUCATIONAL_RECORD)
    assert request_obj.due_estimated
    html = page(login(personas.dpo), detail(request_obj))
    assert "Worked out on estimated term dates" in html
    assert "On estimated term dates" in page(login(personas.dpo),
                                             reverse("requests:request-list"))


# ---------------------------------------------------------------------------- the list


def test_the_list_sorts_open_ones_by_deadline_and_filters(personas: Personas,
                                                          login: Login) -> None:
    today = timezone.localdate()
    later = make_request(personas)
    sooner = make_request(personas, kind=Kind.FOI, subject_type="", subject_name="")
    overdue = make_request(personas, kind=Kind.COMPLAINT,
                           received_at=timezone.now() - timedelta(days=40))
    answered = make_request(personas)
    request_respond(school=personas.school, actor=personas.dpo, request=answered,
                    responded_on=today, outcome="full", response_channel="email")
    client = login(personas.siro)
    html = page(client, reverse("requests:request-list"))
    running = sorted((sooner, later), key=lambda r: (r.due_on, -r.pk))
    order = [html.index(r.reference) for r in (overdue, *running, answered)]
    assert order == sorted(order)
    assert "days overdue" in html and "Answered " in html
    html = page(client, reverse("requests:request-list") + "?status=overdue")
    assert overdue.reference in html and later.reference not in html
    html = page(client, reverse("requests:request-list") + "?kind=complaint")
    assert overdue.reference in html and sooner.reference not in html
    assert later.reference not in html
    # The list reads none of the encrypted texts.
    assert "Pat Parent" not in html


def _populate(personas: Personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        full_request(personas, n=n)


def test_the_list_query_count_does_not_grow(personas: Personas, login: Login,
                                            django_assert_num_queries) -> None:
    client = login(personas.dpo)
    url = reverse("requests:request-list")
    _populate(personas, 0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Requests (40)" in html


def test_a_members_searches_query_count_does_not_grow(personas: Personas, login: Login,
                                                      django_assert_num_queries) -> None:
    client = login(personas.staff)
    url = reverse("requests:request-list")
    _populate(personas, 0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Searches you are asked to make (40)" in html and "CPOMS 39" in html
    assert "Every record about Sam" not in html and "Pat Parent" not in html


def test_the_page_query_count_does_not_grow(personas: Personas, login: Login,
                                            django_assert_num_queries) -> None:
    request_obj = full_request(personas)
    client = login(personas.dpo)
    client.get(detail(request_obj))
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail(request_obj)).status_code == 200
    today = timezone.localdate()
    for n in range(38):
        task = search_add(school=personas.school, actor=personas.dpo, request=request_obj,
                          place=f"Place {n}")
        search_assign(school=personas.school, actor=personas.dpo, request=request_obj,
                      task=task, assignee=personas.it_lead, due_on=today + timedelta(days=2))
        item_add(school=personas.school, actor=personas.dpo, request=request_obj,
                 source=f"Place {n}", description=f"Item {n}",
                 decision=ScheduleItem.Decision.DISCLOSED)
    assert (request_obj.searches.count(), request_obj.items.count()) == (40, 40)
    with django_assert_num_queries(len(few)):
        response = client.get(detail(request_obj))
    assert response.status_code == 200
    assert len(response.context["search_tasks"]) >= 3


# ---------------------------------------------------------------------------- the forms


def _edit_data(request_obj: Request, **changes: str) -> dict[str, str]:
    received = timezone.localtime(request_obj.received_at)
    data = {"version": str(request_obj.version), "kind": request_obj.kind,
            "channel": request_obj.channel, "received_at_0": str(received.day),
            "received_at_1": str(received.month), "received_at_2": str(received.year),
            "received_at_3": str(received.hour), "received_at_4": str(received.minute),
            "requester_type": request_obj.requester_type,
            "requester_name": request_obj.requester_name,
            "requester_contact": request_obj.requester_contact,
            "subject_type": request_obj.subject_type, "subject_name": request_obj.subject_name,
            "description": request_obj.description, "whose_right": "",
            "child_competent": "unknown", "child_consented": "unknown"}
    return {**data, **changes}


def test_correcting_the_record_through_the_form(personas: Personas, login: Login) -> None:
    request_obj = make_request(personas)
    url = reverse("requests:request-edit", args=[request_obj.public_id])
    client = login(personas.dpo)
    assert "Correct the record" in page(client, url)
    response = client.post(url, _edit_data(request_obj, requester_contact="07700 900123",
                                           whose_right="parent_for_child",
                                           child_competent="no"))
    assert response.status_code == 302 and response["Location"] == detail(request_obj)
    fresh = Request.objects.get(pk=request_obj.pk)
    assert (fresh.requester_contact, fresh.whose_right, fresh.child_competent) == (
        "07700 900123", "parent_for_child", False)
    # A rule broken names its field on the form.
    response = client.post(url, _edit_data(fresh, subject_type=""))
    assert response.status_code == 200
    assert response.context["form"].errors["subject_type"] == [
        "Choose whom the request is about."]


def test_two_people_correcting_at_once_the_second_is_told(personas: Personas) -> None:
    request_obj = make_request(personas)
    url = reverse("requests:request-edit", args=[request_obj.public_id])
    siro, dpo = own_browser(personas.siro), own_browser(personas.dpo)
    siro.get(url), dpo.get(url)
    assert siro.post(url, _edit_data(request_obj, channel="letter")).status_code == 302
    response = dpo.post(url, _edit_data(request_obj, channel="phone"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this request" in html and "Reload the page" in html
    assert Request.objects.get(pk=request_obj.pk).channel == "letter"


def test_recording_the_identity_check_through_the_form(personas: Personas,
                                                       login: Login) -> None:
    request_obj = make_request(personas)
    url = reverse("requests:request-identity", args=[request_obj.public_id])
    client = login(personas.siro)
    assert "Never keep a copy" in page(client, url)
    today = timezone.localdate()
    response = client.post(url, {"version": str(request_obj.version), "method": "passport",
                                 **_dates("checked_on", today)})
    assert response.status_code == 302
    html = page(client, detail(request_obj))
    assert "Passport" in html.replace("passport", "Passport")
    assert "No copy of the document is kept" in html


def test_hiding_through_the_form_never_offers_oneself(personas: Personas,
                                                      login: Login) -> None:
    request_obj = make_request(personas)
    url = reverse("requests:request-hide", args=[request_obj.public_id])
    client = login(personas.dpo)
    form = client.get(url).context["form"]
    offered = dict(form.fields["hidden_from"].choices)
    assert str(personas.dpo.pk) not in offered and str(personas.siro.pk) in offered
    response = client.post(url, {"version": str(request_obj.version),
                                 "hidden_from": [str(personas.siro.pk)]})
    assert response.status_code == 302
    assert list(request_obj.hidden_from.all()) == [personas.siro]
    assert "Senior Information Risk Owner (SIRO) Person" in page(client, detail(request_obj))


def test_a_paused_request_says_it_waits_for_the_requester(personas: Personas,
                                                          login: Login) -> None:
    from schoolkeep.inforequests.models import Hold
    from schoolkeep.inforequests.progress.services import hold_ask

    request_obj = make_request(personas)
    today = timezone.localdate()
    hold_ask(school=personas.school, actor=personas.dpo, request=request_obj,
             reason=Hold.Reason.IDENTITY, asked_on=today, note="A passport, please")
    client = login(personas.dpo)
    words = f"Waiting for the requester since {today.day} {today:%b %Y}"
    assert words in page(client, reverse("requests:request-list"))
    html = page(client, detail(request_obj))
    assert f"Waiting since {today.day} {today:%B %Y}" in html
    assert "The clock is stopped until they answer" in html and "days left" not in html
