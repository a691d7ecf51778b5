"""At the same moment: requests logged together never share a reference, and of 20 sent at
once on the public page exactly the throttle's limit are made. Each thread has its own
database connection, as the web server's workers would (throttles/tests/racing.py: a SQLite
database file, or PostgreSQL when DATABASE_URL names one)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.inforequests.intake.public import request_page_set_up
from schoolkeep.inforequests.intake.public_views import ATTEMPT_LIMIT, GUESS_LIMIT
from schoolkeep.inforequests.models import Request
from schoolkeep.throttles.tests.racing import racing_database

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "198.51.100.7"
ASK = {"kind": "foi", "requester_type": "public", "requester_name": "A Journalist",
       "requester_contact": "news@example.com", "description": "Spending on agency staff."}


def test_requests_logged_at_the_same_moment_never_share_a_reference(
        personas: Personas) -> None:
    received = datetime(2026, 11, 2, 10, tzinfo=UTC)
    with racing_database() as race:
        made = race.run(12, lambda _: make_request(
            personas, received_at=received).reference_number)
        numbers = race.read(lambda: sorted(Request.objects.filter(
            school=personas.school).values_list("reference_number", flat=True)))
        references = race.read(lambda: set(Request.objects.values_list("reference",
                                                                         flat=True)))
    assert sorted(made) == numbers == list(range(1, 13))
    assert references == {f"RQ-2026-{number:04d}" for number in range(1, 13)}


def test_twenty_requests_at_once_make_exactly_the_limit(personas: Personas) -> None:
    ours = reverse("ask:request", args=[request_page_set_up(school=personas.school,
                                                            actor=None).token])
    with racing_database() as race:
        statuses = race.run(20, lambda _: Client().post(ours, ASK, REMOTE_ADDR=ADDRESS)
                            .status_code)
        assert Counter(statuses) == {200: ATTEMPT_LIMIT, 429: 20 - ATTEMPT_LIMIT}
        assert race.read(lambda: Request.objects.filter(school=personas.school).count()) == (
            ATTEMPT_LIMIT)
        numbers = race.read(lambda: sorted(Request.objects.values_list("reference_number",
                                                                       flat=True)))
        assert numbers == list(range(1, ATTEMPT_LIMIT + 1))
    assert len(mail.outbox) == ATTEMPT_LIMIT  # one e-mail to the DPO and SIRO per request


def test_unknown_addresses_at_once_engage_at_exactly_the_limit() -> None:
    with racing_database() as race:
        statuses = race.run(12, lambda i: Client().get(
            reverse("ask:request", args=[f"guess-{i}"]), REMOTE_ADDR=ADDRESS).status_code)
    assert Counter(statuses) == {404: GUESS_LIMIT, 429: 12 - GUESS_LIMIT}
