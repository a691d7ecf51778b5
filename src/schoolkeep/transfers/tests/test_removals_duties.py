"""Duties of taking material off site: a request awaiting a decision (the owner's, due the
day asked) and approved material past its date back (overdue after ``ends_on``); counts in
one query for any number of schools, agreeing with the list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.duties import AWAITING, RETURN, provider
from schoolkeep.transfers.removals.services import (
    removal_decide,
    removal_report_lost,
    removal_return,
)
from schoolkeep.transfers.tests.test_removals_records import (
    paper_request,
    person_of,
    sensitive_asset,
    today,
)

pytestmark = pytest.mark.django_db


def _duties(personas: Personas, now: datetime | None = None):
    now = now or timezone.now()
    return provider.for_school(personas.school.pk, now=now, horizon=now + HORIZON)


def _counts(personas: Personas, now: datetime | None = None) -> DutyCounts:
    now = now or timezone.now()
    return provider.counts([personas.school.pk], now=now, horizon=now + HORIZON).get(
        personas.school.pk, DutyCounts())


def _agree(personas: Personas, now: datetime | None = None) -> None:
    listed = _duties(personas, now)
    assert _counts(personas, now) == sum((DutyCounts.of(d.status) for d in listed),
                                         DutyCounts())


def test_a_request_is_the_owners_duty_due_the_day_asked(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    removal = paper_request(personas, sensitive_asset(personas, owner=owner))
    [duty] = _duties(personas)
    assert duty.key == f"{AWAITING}:{removal.public_id}"
    assert (duty.status, duty.due_at) == (DUE, today())
    assert duty.owner_user_id == personas.iao.pk and duty.owner_role is None
    assert "Sam Staff" not in duty.title and "Pupil records" not in duty.title
    assert "Sam Staff" in duty.subject
    _agree(personas)
    later = timezone.now() + timedelta(days=2)
    [duty] = _duties(personas, later)
    assert duty.status == OVERDUE
    assert _counts(personas, later) == DutyCounts(overdue=1)


def test_a_request_the_owner_cannot_decide_falls_to_the_siro(personas) -> None:
    paper_request(personas, sensitive_asset(personas, owner_unmatched="D. Marsh"))
    [duty] = _duties(personas)
    assert duty.owner_user_id is None and duty.owner_role == Role.SIRO


def test_a_return_is_due_on_its_date_and_overdue_after(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    removal = paper_request(personas, sensitive_asset(personas, owner=owner), days=30)
    removal_decide(removal=removal, actor=personas.iao, approve=True)
    assert _duties(personas) == []  # back in 30 days: beyond the horizon
    assert _counts(personas) == DutyCounts()
    with time_machine.travel(timezone.now() + timedelta(days=25), tick=False):
        [duty] = _duties(personas)
        assert duty.key == f"{RETURN}:{removal.public_id}"
        assert (duty.status, duty.due_at) == (DUE, removal.ends_on)
        assert duty.owner_user_id == personas.iao.pk
        _agree(personas)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        [duty] = _duties(personas)
        assert duty.status == OVERDUE
        assert _counts(personas) == DutyCounts(overdue=1)
        removal_return(removal=removal, actor=personas.staff)
        assert _duties(personas) == []


def test_a_standing_approval_is_due_back_when_its_period_ends(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    removal = paper_request(personas, sensitive_asset(personas, owner=owner), standing=True,
                            days=200)
    removal_decide(removal=removal, actor=personas.iao, approve=True)
    with time_machine.travel(timezone.now() + timedelta(days=201), tick=False):
        [duty] = _duties(personas)
        assert (duty.key, duty.status, duty.due_at) == (
            f"{RETURN}:{removal.public_id}", OVERDUE, removal.ends_on)


def test_material_reported_lost_or_settled_raises_nothing(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    asset = sensitive_asset(personas, owner=owner)
    lost = paper_request(personas, asset, days=1)
    removal_decide(removal=lost, actor=personas.iao, approve=True)
    removal_report_lost(removal=lost, actor=personas.iao, note="Left on a train")
    refused = paper_request(personas, asset, days=1)
    removal_decide(removal=refused, actor=personas.iao, approve=False, note="No")
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        assert _duties(personas) == []
        assert _counts(personas) == DutyCounts()
    assert Removal.objects.count() == 2


def test_counts_are_one_query_for_any_number_of_schools(personas) -> None:
    owner = person_of(personas, personas.iao, "Olive Owner")
    paper_request(personas, sensitive_asset(personas, owner=owner))
    ids = [personas.school.pk, personas.other_school.pk,
           *(SchoolFactory().pk for _ in range(5))]
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        counts = provider.counts(ids, now=now, horizon=now + HORIZON)
    assert len(queries) == 1
    assert counts == {personas.school.pk: DutyCounts(due=1)}
