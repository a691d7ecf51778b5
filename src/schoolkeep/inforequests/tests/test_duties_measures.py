"""The measure ``requests.answered-in-time``: this school year's requests, once answered or
past their deadline, answered by the deadline (a complaint: acknowledged within its 30
days); those still inside their deadline pending; withdrawn ones and last year's left out;
one query for 3 and 40 schools; on the overview for the governor, with figures only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.inforequests.duties.measures import (
    ANSWERED_IN_TIME,
    provider,
    school_year_start,
)
from schoolkeep.inforequests.models import Kind, Status
from schoolkeep.inforequests.tests.duties_support import NOW, REQUESTER, days, make
from schoolkeep.overview import registry

pytestmark = pytest.mark.django_db


def answered(school: Any, *, due: int, on: int, **fields: Any) -> Any:
    return make(school, due=due, status=Status.ANSWERED, responded_on=days(on), **fields)


def a_year_of_requests(school: Any) -> None:
    answered(school, due=-10, on=-12)  # in time
    answered(school, due=-10, on=-10)  # on the deadline day: in time
    answered(school, due=-10, on=-9, late_reason="Staff absence")  # late
    answered(school, due=5, on=-1)  # answered early, its deadline not yet come
    make(school, due=-3)  # open, past its deadline: not met
    make(school, due=4)  # open, inside its deadline: pending
    make(school, kind=Kind.COMPLAINT, due=-5, acknowledged_on=days(-6))  # in time
    make(school, kind=Kind.COMPLAINT, due=-5, acknowledged_on=days(-4))  # late
    make(school, due=-3, status=Status.WITHDRAWN, withdrawn_on=days(-30))  # left out
    make(school, received=date(2026, 8, 20), due=date(2026, 9, 20))  # last school year


def test_the_school_year_starts_on_1_september() -> None:
    assert school_year_start(date(2026, 12, 7)) == date(2026, 9, 1)
    assert school_year_start(date(2027, 8, 31)) == date(2026, 9, 1)
    assert school_year_start(date(2027, 9, 1)) == date(2027, 9, 1)


def test_answered_by_the_deadline_out_of_those_due_or_answered(personas: Personas) -> None:
    a_year_of_requests(personas.school)
    figures = provider.figures([personas.school.pk], now=NOW)
    assert figures[personas.school.pk][ANSWERED_IN_TIME] == (4, 7, 1)


def test_a_school_without_requests_has_no_figure(personas: Personas) -> None:
    assert provider.figures([personas.school.pk], now=NOW) == {}


@pytest.mark.parametrize("n", [3, 40])
def test_one_query_for_any_number_of_schools(
        n: int, django_assert_num_queries: Any) -> None:
    ids = []
    for _ in range(n):
        school = SchoolFactory()
        a_year_of_requests(school)
        ids.append(school.pk)
    with django_assert_num_queries(1):
        figures = provider.figures(ids, now=NOW)
    assert {figures[school_id][ANSWERED_IN_TIME] for school_id in ids} == {(4, 7, 1)}


def test_registered_in_the_requests_area() -> None:
    [spec] = provider.specs
    assert spec.area == "requests"
    # Listed in overview/apps.py, so registered at start-up.
    assert any(each.module == "requests" for each in registry.providers())


def test_the_overview_shows_the_figure_and_no_request(personas: Personas, login: Any) -> None:
    a_year_of_requests(personas.school)
    with time_machine.travel(NOW, tick=False):
        page = login(personas.governor).get(reverse("overview:school")).content.decode()
    assert "Requests answered by their legal deadline (this school year)" in page
    assert "RQ-2026-0001" not in page and REQUESTER not in page
