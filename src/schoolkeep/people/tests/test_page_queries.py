"""The Single Central Record and the people list ask the same number of queries whatever the
number of the member's schools and people in them, and at most ten beyond the middleware's
three."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory

from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import (
    check_save,
    override_set,
    person_create,
    person_mark_leaver,
)
from schoolkeep.tenancy.roles import Role

MIDDLEWARE_QUERIES = 3
PAGES = [("people:record", {}), ("people:record", {"incomplete": "on"}),
         ("people:record-archive", {}), ("people:person-list", {}),
         ("people:person-list", {"status": "leavers", "q": "person"})]


def add_people(school, count):
    for n in range(count):
        someone = person_create(school=school, actor=None, full_name=f"Person {n:02d}",
                                kind=PersonKind.TEACHING, does_teaching_work=True)
        check_save(person=someone, actor=None, check_type="identity", status="pending")
        if n % 2:
            override_set(person=someone, actor=None, check_type="overseas", required=True,
                         reason="Lived abroad")
        if n % 3 == 2:  # in the archive
            person_mark_leaver(person=someone, actor=None,
                               leaving_date=timezone.localdate() - timedelta(days=30))


def queries(client, name, data):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), data)
    assert response.status_code == 200
    assert "Person 0" in response.content.decode()  # rows shown, not an empty page
    return len(captured)


@pytest.mark.parametrize(("name", "data"), PAGES)
def test_the_same_queries_for_one_and_three_schools(personas, login, steady_session,
                                                    name, data):
    add_people(personas.school, 3)
    client = login(personas.siro)
    client.get(reverse(name), data)  # warm: the session's first stamp
    one = queries(client, name, data)
    assert one <= MIDDLEWARE_QUERIES + 10
    for _ in range(2):
        other = SchoolFactory(organisation=None)
        MembershipFactory(user=personas.siro, school=other, roles=[Role.SIRO])
        add_people(other, 5)
    add_people(personas.school, 12)
    assert queries(client, name, data) == one
