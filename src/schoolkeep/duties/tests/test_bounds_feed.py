"""The calendar feed and the page of others' duties of one kind keep their queries whatever
the number of duties, and the feed lists at most ``FEED_PER_KIND`` of a kind with a line
saying how many more. (The trust overview's bound is the schools overview's now:
overview/tests/test_page_queries.py.)"""

from __future__ import annotations

from urllib.parse import urlparse

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolkeep.duties.calendar import FEED_PER_KIND, feed_token_reset

from .test_bounds import TERM_TIME, add_assets, duty_rows

OWNER_MISSING = "Choose an owner for an information asset"


def feed_path(user) -> str:
    return urlparse(feed_token_reset(user=user, actor=user)).path


def queries(client, url: str, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@time_machine.travel(TERM_TIME, tick=False)
def test_feed_keeps_its_queries_and_lists_a_few_of_each_kind(personas, client):
    path = feed_path(personas.siro)
    add_assets(personas.school, 3)
    few_queries, few = queries(client, path)
    assert few.count(OWNER_MISSING) == 3
    add_assets(personas.school, 37)
    many_queries, many = queries(client, path)
    assert many_queries == few_queries
    unfolded = many.replace("\r\n ", "")
    assert unfolded.count(f"SUMMARY:Overdue: {OWNER_MISSING}") == FEED_PER_KIND
    assert f"And {40 - FEED_PER_KIND} more of this kind" in unfolded
    assert "/duties/kinds/assets.owner-missing/" in unfolded


@time_machine.travel(TERM_TIME, tick=False)
def test_others_of_one_kind_keep_their_queries(personas, login):
    # Unclassified assets of an owner who is the IAO: the SIRO oversees them.
    from schoolkeep.assets.models import Asset, Classification
    from schoolkeep.people.services import person_create, person_link_account

    owner = person_link_account(
        person=person_create(school=personas.school, actor=None, full_name="Ivy Owner",
                             kind="teaching"),
        actor=None, user=personas.iao)
    url = reverse("duties:duty-kind-list", args=["assets.unclassified"])
    client = login(personas.siro)

    def add(count: int) -> None:
        add_assets(personas.school, count)
        Asset.objects.filter(school=personas.school).update(
            owner_person=owner, classification=Classification.UNCLASSIFIED)

    add(3)
    few_queries, few = queries(client, url, who="others")
    add(37)
    many_queries, many = queries(client, url, who="others")
    assert (duty_rows(few), duty_rows(many)) == (3, 40)
    assert many_queries == few_queries
    assert "Owner: Ivy Owner" in many
