"""Throttles hold under parallel requests: the check and the count are one step, so exactly
the limit's number get through however many arrive at once (issue 12, finding 3). Run on
a SQLite database file and on PostgreSQL (see racing.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.links import make_parent, published_aup
from tests.personas import Personas

from schoolkeep.agreements.signing.links.services import link_issue
from schoolkeep.agreements.signing.page.views import WRONG_TOKEN_LIMIT
from schoolkeep.incidents.models import Incident
from schoolkeep.incidents.report.concern import concern_page_for
from schoolkeep.incidents.report.public_views import ATTEMPT_LIMIT
from schoolkeep.throttles.services import Throttle, throttle_hit
from schoolkeep.throttles.tests.racing import racing_database

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "198.51.100.7"
REPORT = {"title": "A class list left on the bus", "description": "Found by a parent.",
          "personal_data": "yes"}


def test_twenty_reports_at_once_make_exactly_the_limit(personas: Personas) -> None:
    ours = reverse("concern:report", args=[concern_page_for(personas.school).token])
    theirs = reverse("concern:report", args=[concern_page_for(personas.other_school).token])
    with racing_database() as race:
        statuses = race.run(20, lambda _: Client().post(ours, REPORT, REMOTE_ADDR=ADDRESS)
                            .status_code)
        assert Counter(statuses) == {200: ATTEMPT_LIMIT, 429: 20 - ATTEMPT_LIMIT}
        assert race.read(lambda: Incident.objects.filter(school=personas.school).count()) == (
            ATTEMPT_LIMIT)
        assert len(mail.outbox) == ATTEMPT_LIMIT  # one e-mail to the DPO and SIRO per report
        # Another school's page is not used up by this school's visitors at that address.
        again = race.run(ATTEMPT_LIMIT + 3, lambda _: Client().post(
            theirs, REPORT, REMOTE_ADDR=ADDRESS).status_code)
        assert Counter(again) == {200: ATTEMPT_LIMIT, 429: 3}
        assert race.read(lambda: Incident.objects.filter(
            school=personas.other_school).count()) == ATTEMPT_LIMIT


def test_unknown_report_addresses_at_once_engage_at_exactly_the_limit() -> None:
    with racing_database() as race:
        statuses = race.run(12, lambda i: Client().get(
            reverse("concern:report", args=[f"guess-{i}"]), REMOTE_ADDR=ADDRESS).status_code)
    assert Counter(statuses) == {404: 5, 429: 7}


def test_wrong_signing_tokens_at_once_engage_at_exactly_the_limit(personas: Personas) -> None:
    aup = published_aup(personas)
    parent = make_parent(personas, "Pat Parent", "pat@example.com")
    _, token = link_issue(aup=aup, actor=personas.business_manager, channel="email",
                          parent=parent)
    extra = 10
    with racing_database() as race:
        statuses = race.run(WRONG_TOKEN_LIMIT + extra, lambda i: Client().get(
            reverse("signing:sign", args=[f"{i:03d}" + "w" * 40]),
            REMOTE_ADDR=ADDRESS).status_code)
        assert Counter(statuses) == {404: WRONG_TOKEN_LIMIT, 429: extra}
        # The real link still opens from that address; another address is not throttled.
        assert race.read(lambda: Client().get(reverse("signing:sign", args=[token]),
                                              REMOTE_ADDR=ADDRESS).status_code) == 200
        assert race.read(lambda: Client().get(reverse("signing:sign", args=["x" * 43]),
                                              REMOTE_ADDR="203.0.113.9").status_code) == 404


def test_hits_at_once_on_one_counter_are_each_counted_once() -> None:
    throttle = Throttle("race", limit=7, window=timedelta(minutes=5))
    with racing_database() as race:
        allowed = race.run(25, lambda _: throttle_hit(throttle=throttle, address=ADDRESS,
                                                      page="p"))
    assert allowed.count(True) == 7
