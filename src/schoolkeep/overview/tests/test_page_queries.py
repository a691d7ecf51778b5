"""The overview pages ask the same number of queries whatever the number of records and of
schools: each measure provider answers once for every school shown, and the duties are
counted once per provider."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.overview.tests.records import fill

pytestmark = pytest.mark.django_db


def queries(client, name: str, **kwargs: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return len(captured)


def test_the_school_page_costs_the_same_with_many_records(personas: Personas, login,  # type: ignore[no-untyped-def]
                                                           steady_session) -> None:
    client = login(personas.siro)
    client.get(reverse("overview:school"))  # warm: the session's first stamp
    empty = queries(client, "overview:school")
    fill(personas.school, now=timezone.now())
    assert queries(client, "overview:school") == empty


def test_the_schools_page_costs_the_same_at_one_and_at_many_schools(  # type: ignore[no-untyped-def]
        personas: Personas, login, steady_session) -> None:
    trust = personas.school.organisation
    client = login(personas.trust_admin)
    client.get(reverse("overview:schools"))
    one = queries(client, "overview:schools")
    fill(personas.school, now=timezone.now())
    for _ in range(4):
        fill(SchoolFactory(organisation=trust), now=timezone.now())
    assert queries(client, "overview:schools") == one
    assert queries(client, "overview:school-of", slug=personas.school.slug) <= one


def test_a_large_trust_is_shown_fifty_schools_a_page_at_the_same_cost(  # type: ignore[no-untyped-def]
        personas: Personas, login, steady_session) -> None:
    client = login(personas.trust_admin)
    client.get(reverse("overview:schools"))
    one = queries(client, "overview:schools")
    SchoolFactory.create_batch(51, organisation=personas.school.organisation)
    first = client.get(reverse("overview:schools")).content.decode()
    second = client.get(reverse("overview:schools"), {"page": 2}).content.decode()
    row = '<th scope="row"><a href="/overview/schools/'
    assert first.count(row) == 50 and second.count(row) == 2
    assert "Page 2 of 2" in second
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("overview:schools"), {"page": 2})
    assert len(captured) == one
