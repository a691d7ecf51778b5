"""Who sees which request: the SIRO, the DPO and the auditor see every request except one
hidden from them (the SIRO included); another member sees only those with a search assigned
to them, and never a request's page; a trust administrator and another school see none. A
request someone may not see is a 404, exactly like another school's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.requests_intake import make_request
from tests.personas import PERSONA_NAMES, Personas

from schoolkeep.accounts.models import User
from schoolkeep.inforequests.handling.selectors import (
    may_see_request,
    request_for_handler_or_404,
    requests_visible,
)
from schoolkeep.inforequests.handling.services import request_hide
from schoolkeep.inforequests.models import SearchTask
from schoolkeep.inforequests.progress.services import request_withdraw
from schoolkeep.inforequests.searches.services import search_add, search_assign, search_record
from schoolkeep.inforequests.tests.handling_support import access_of

Login = Callable[[User], Client]

READERS = {"siro", "dpo", "auditor"}
SOON = date.today() + timedelta(days=5)


def _detail(request_obj) -> str:
    return reverse("requests:request-detail", args=[request_obj.public_id])


def test_every_persona_sees_what_the_design_says(personas: Personas) -> None:
    plain = make_request(personas)
    searched = make_request(personas, description="A request the IT lead searches for")
    task = search_add(school=personas.school, actor=personas.dpo, request=searched,
                      place="The e-mail archive")
    search_assign(school=personas.school, actor=personas.dpo, request=searched, task=task,
                  assignee=personas.it_lead, due_on=SOON)
    for name in PERSONA_NAMES:
        user = getattr(personas, name)
        access = access_of(user, personas.school)
        seen = set(requests_visible(school=personas.school, user=user, access=access))
        if name in READERS:
            expected = {plain, searched}
        elif name == "it_lead":
            expected = {searched}
        else:
            expected = set()
        assert seen == expected, name
        for request_obj in (plain, searched):
            assert may_see_request(access=access, user=user, request=request_obj) == (
                request_obj in expected), name


def test_a_page_is_only_for_readers_and_a_404_to_everyone_else(personas: Personas) -> None:
    request_obj = make_request(personas)
    for name in PERSONA_NAMES:
        user = getattr(personas, name)
        access = access_of(user, personas.school)
        if name in READERS:
            found = request_for_handler_or_404(school=personas.school, user=user,
                                               access=access, public_id=request_obj.public_id)
            assert found == request_obj
        else:
            with pytest.raises(Http404):
                request_for_handler_or_404(school=access.school, user=user, access=access,
                                           public_id=request_obj.public_id)


def test_an_assignee_sees_their_search_on_the_list_but_not_the_request_page(
        personas: Personas, login: Login) -> None:
    request_obj = make_request(personas, subject_name="Robin Secretname")
    task = search_add(school=personas.school, actor=personas.dpo, request=request_obj,
                      place="CPOMS")
    search_assign(school=personas.school, actor=personas.dpo, request=request_obj, task=task,
                  assignee=personas.staff, due_on=SOON)
    client = login(personas.staff)
    html = client.get(reverse("requests:request-list")).content.decode()
    assert request_obj.reference in html and "Subject access request" in html
    assert reverse("requests:search-detail", args=[task.pk]) in html
    # Nothing else of the request: no names, no narrative, no link to its page.
    for secret in ("Robin Secretname", "Pat Parent", "behaviour in Year 5", _detail(request_obj)):
        assert secret not in html
    assert client.get(_detail(request_obj)).status_code == 404


def test_a_request_hidden_from_the_siro_is_a_404_to_them_and_off_their_list(
        personas: Personas, login: Login) -> None:
    hidden = make_request(personas, description="About the SIRO's conduct")
    shown = make_request(personas)
    request_hide(school=personas.school, actor=personas.dpo, request=hidden,
                 hidden_from=[personas.siro])
    client = login(personas.siro)
    assert client.get(_detail(hidden)).status_code == 404
    assert client.get(reverse("requests:request-edit", args=[hidden.public_id])).status_code == 404
    html = client.get(reverse("requests:request-list")).content.decode()
    assert shown.reference in html and hidden.reference not in html
    assert "Requests (1)" in html
    # The DPO and the auditor still see it.
    for user in (personas.dpo, personas.auditor):
        assert login(user).get(_detail(hidden)).status_code == 200


def test_a_hidden_assignee_no_longer_sees_their_search(personas: Personas) -> None:
    request_obj = make_request(personas)
    task = search_add(school=personas.school, actor=personas.dpo, request=request_obj,
                      place="HR files")
    search_assign(school=personas.school, actor=personas.dpo, request=request_obj, task=task,
                  assignee=personas.hr_admin, due_on=SOON)
    access = access_of(personas.hr_admin, personas.school)
    assert list(requests_visible(school=personas.school, user=personas.hr_admin,
                                 access=access)) == [request_obj]
    # Their search made (an open one must be reassigned before hiding: see
    # test_handling_review), the request can be hidden from them.
    search_record(school=personas.school, actor=personas.hr_admin, task=task,
                  state=SearchTask.State.NOTHING, searched_on=timezone.localdate())
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[personas.hr_admin])
    assert not requests_visible(school=personas.school, user=personas.hr_admin,
                                access=access).exists()
    assert not may_see_request(access=access, user=personas.hr_admin, request=request_obj)


def test_an_assignee_no_longer_knows_of_a_request_once_it_is_closed(
        personas: Personas) -> None:
    request_obj = make_request(personas)
    task = search_add(school=personas.school, actor=personas.dpo, request=request_obj,
                      place="HR files")
    search_assign(school=personas.school, actor=personas.dpo, request=request_obj, task=task,
                  assignee=personas.hr_admin, due_on=SOON)
    access = access_of(personas.hr_admin, personas.school)
    request_obj.refresh_from_db()
    request_withdraw(school=personas.school, actor=personas.dpo, request=request_obj,
                     withdrawn_on=timezone.localdate(), reason="No longer wanted.")
    assert not requests_visible(school=personas.school, user=personas.hr_admin,
                                access=access).exists()
    assert list(requests_visible(school=personas.school, user=personas.dpo,
                                 access=access_of(personas.dpo, personas.school))) == [
        request_obj]


def test_another_schools_request_is_a_404(personas: Personas, login: Login) -> None:
    theirs = make_request(personas, user=personas.outsider, school=personas.other_school)
    client = login(personas.siro)
    for name in ("requests:request-detail", "requests:request-edit",
                 "requests:request-identity", "requests:request-hide"):
        assert client.get(reverse(name, args=[theirs.public_id])).status_code == 404, name
    assert theirs.reference not in client.get(reverse("requests:request-list")).content.decode()
    # And the outsider sees their own.
    assert login(personas.outsider).get(_detail(theirs)).status_code == 200
