"""What the middleware costs every signed-in page: three queries (the session, the user, and
the user's schools with their roles and whether they have a second factor), whatever the
number of schools, for members and trust administrators alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory

from schoolkeep.accounts.middleware import ACTIVITY_GRANULARITY_SECONDS
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.urls("schoolkeep.tenancy.tests.middleware_urls")

MIDDLEWARE_QUERIES = 3


def reads(captured: CaptureQueriesContext, tables: list[str]) -> bool:
    """True when the queries are one read of each table, in this order."""
    queries = [query["sql"] for query in captured.captured_queries]
    return len(queries) == len(tables) and all(
        sql.lstrip("(").startswith("SELECT") and f'FROM "{table}"' in sql
        for sql, table in zip(queries, tables, strict=True))


def middleware_queries(client) -> CaptureQueriesContext:
    client.get(reverse("test-no-query"))  # the session's first stamp is written here
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("test-no-query"))
    assert response.status_code == 200
    return captured


@pytest.mark.parametrize("persona", ["siro", "staff", "governor", "trust_admin"])
def test_a_signed_in_page_costs_three_queries(client, login, personas, persona):
    login(getattr(personas, persona))
    captured = middleware_queries(client)
    assert reads(captured, ["django_session", "accounts_user", "tenancy_school"])


def test_the_count_is_the_same_for_one_and_three_schools(client, login, personas):
    login(personas.dpo)
    assert len(middleware_queries(client)) == MIDDLEWARE_QUERIES
    for _ in range(2):
        MembershipFactory(user=personas.dpo, school=SchoolFactory(organisation=None),
                          roles=[Role.DPO, Role.STAFF])
    # A trust administrator who is also a member of one of the trust's schools.
    personas.trust_admin.memberships.create(school=personas.school)
    for user in (personas.dpo, personas.trust_admin):
        login(user)
        assert len(middleware_queries(client)) == MIDDLEWARE_QUERIES
    login(personas.dpo)
    assert client.get(reverse("accounts:account")).context["accesses"][2].roles == {
        Role.DPO, Role.STAFF}


def test_a_trust_of_many_schools_costs_the_same(client, login, personas):
    login(personas.trust_admin)
    assert len(middleware_queries(client)) == MIDDLEWARE_QUERIES
    for n in range(5):
        SchoolFactory(organisation=personas.school.organisation, name=f"Trust school {n}")
    assert len(middleware_queries(client)) == MIDDLEWARE_QUERIES


def test_the_second_factor_is_known_without_asking_again(client, login, personas):
    """A privileged member without a second factor is sent to enrolment by the same three
    queries; one with it reaches the page."""
    personas.dpo.authenticator_set.all().delete()
    login(personas.dpo)
    client.get(reverse("test-no-query"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("test-no-query"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa-required")
    assert len(captured) == MIDDLEWARE_QUERIES


def test_the_session_is_written_only_once_activity_is_worth_recording(client, login, personas):
    login(personas.staff)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert len(middleware_queries(client)) == MIDDLEWARE_QUERIES
        clock.shift(timedelta(seconds=ACTIVITY_GRANULARITY_SECONDS - 1))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("test-no-query"))
        assert len(captured) == MIDDLEWARE_QUERIES
        clock.shift(timedelta(seconds=1))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("test-no-query"))
        assert any(q["sql"].startswith('UPDATE "django_session"')
                   for q in captured.captured_queries)
