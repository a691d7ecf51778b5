"""Checks the review asked for: the duty's ``counts`` is ONE query for several schools; the
personal link's page throttles wrong tokens (429 with Retry-After, a real link still works),
tells a leaver's link apart ("no longer needed", 410), and never writes the token to the
logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory
from tests.personas import Personas

from schoolkeep.duties.types import HORIZON, DutyCounts
from schoolkeep.housekeeping.campaigns.duties import provider
from schoolkeep.housekeeping.campaigns.link_views import (
    WRONG_TOKEN_WINDOW_SECONDS,
    WRONG_TOKENS,
)
from schoolkeep.housekeeping.campaigns.links import link_issue
from schoolkeep.housekeeping.models import Confirmation
from schoolkeep.housekeeping.tests.records import launch, make_person
from schoolkeep.people.models import Person
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return reverse("housekeeping:link", args=[token])


def test_duty_counts_for_several_schools_in_one_query(personas: Personas,
                                                      django_assert_num_queries) -> None:
    MembershipFactory(user=personas.dsl, school=personas.other_school, roles=[Role.STAFF])
    make_person(personas.school, "Ann Member", user=personas.staff)
    make_person(personas.other_school, "Bob Member", user=personas.outsider)
    make_person(personas.other_school, "Cat Member", user=personas.dsl)
    launch(personas.school, days=5)
    launch(personas.other_school, days=5)
    now = timezone.now()
    ids = [personas.school.pk, personas.other_school.pk]
    with django_assert_num_queries(1):
        counted = provider.counts(ids, now=now, horizon=now + HORIZON)
    assert counted == {personas.school.pk: DutyCounts(due=1),
                       personas.other_school.pk: DutyCounts(due=2)}


@pytest.fixture
def issued(personas: Personas) -> tuple[Confirmation, str]:
    make_person(personas.school, "Bob Noaccount", start_date=timezone.localdate()
                - timedelta(days=400))
    launch(personas.school)
    confirmation = Confirmation.objects.get()
    _link, token = link_issue(confirmation=confirmation)
    return confirmation, token


def test_wrong_tokens_are_throttled_but_a_real_link_still_works(issued) -> None:
    confirmation, token = issued
    client = Client()
    wrong = "x" * 43
    for _ in range(WRONG_TOKENS.limit):
        assert client.get(url(wrong)).status_code == 404
    refused = client.get(url(wrong))
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(WRONG_TOKEN_WINDOW_SECONDS)
    assert "Too many tries" in refused.content.decode()
    assert client.get(url(token)).status_code == 200  # the real link, same address
    assert client.post(url(token)).status_code == 200
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is not None


def test_a_leavers_link_is_no_longer_needed_and_the_token_stays_out_of_logs(
        issued, caplog: pytest.LogCaptureFixture) -> None:
    confirmation, token = issued
    Person.objects.filter(pk=confirmation.person_id).update(
        leaving_date=timezone.localdate() - timedelta(days=1))
    client = Client()
    with caplog.at_level(logging.DEBUG):
        page = client.get(url(token))
        pressed = client.post(url(token))
        client.get(url(token + "-wrong"))
    assert page.status_code == 410 and "no longer needed" in page.content.decode()
    assert pressed.status_code == 410
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is None
    assert caplog.records, "the refusals are logged"
    assert all(token not in record.getMessage() and token not in str(record.args)
               for record in caplog.records)
    assert "[redacted]" in caplog.text
