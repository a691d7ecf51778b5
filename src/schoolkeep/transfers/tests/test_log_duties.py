"""The transfer log's duty (``transfers.transfer-to-review``, the DPO's: due the day a
transfer by an unapproved channel is logged, overdue after, cleared by the review), its
measure (``transfers.approved-channel``), and its demo step."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.audit.actions import known_actions
from schoolkeep.demo import builder
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.types import DUE, HORIZON, LONDON, OVERDUE, DutyCounts
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.log.demo import ORDER, build_demo_transfer_log
from schoolkeep.transfers.log.duties import KIND, TITLE, provider
from schoolkeep.transfers.log.measures import APPROVED_CHANNEL
from schoolkeep.transfers.log.measures import provider as measures
from schoolkeep.transfers.log.services import transfer_review
from schoolkeep.transfers.models import Transfer

from .test_log_services import channel, sen_by

pytestmark = pytest.mark.django_db

LOGGED = datetime(2026, 11, 10, 23, 30, tzinfo=LONDON)


def _duties(school_id: int, now: datetime) -> tuple[DutyCounts, list]:
    counts = provider.counts([school_id], now=now, horizon=now + HORIZON)
    listed = provider.for_school(school_id, now=now, horizon=now + HORIZON)
    return counts.get(school_id, DutyCounts()), listed


def test_the_provider_is_registered() -> None:
    assert provider_for("transfers") is provider
    assert "transfers.transfer.logged" in known_actions()


def test_a_transfer_to_review_is_due_the_day_logged_then_overdue(personas: Personas) -> None:
    egress = channel(personas.school)
    with time_machine.travel(LOGGED, tick=False):
        sen_by(personas.school, personas.staff, channel=egress)  # approved: no duty
        transfer = sen_by(personas.school, personas.staff, channel_other="Ordinary e-mail",
                          log_anyway=True)
    counts, (duty,) = _duties(personas.school.pk, LOGGED + timedelta(minutes=20))
    assert counts == DutyCounts(due=1)
    assert duty.status == DUE and duty.due_at == LOGGED.date() and duty.key == (
        f"{KIND}:{transfer.public_id}")
    assert duty.title == TITLE and duty.owner_role == Role.DPO
    assert "Ordinary e-mail" in duty.subject and "St Mary" in duty.subject
    assert "St Mary" not in duty.title
    next_day = LOGGED + timedelta(hours=1)  # past midnight in London
    counts, (duty,) = _duties(personas.school.pk, next_day)
    assert counts == DutyCounts(overdue=1) and duty.status == OVERDUE
    transfer_review(transfer=transfer, actor=personas.dpo, note="Checked")
    assert _duties(personas.school.pk, next_day) == (DutyCounts(), [])


def test_counts_are_one_query_for_many_schools(personas: Personas,
                                               django_assert_num_queries) -> None:
    other = SchoolFactory(slug="elmwood")
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True)
    sen_by(other, None, channel_other="Post", log_anyway=True)
    now = timezone.now()
    with django_assert_num_queries(1):
        counts = provider.counts([personas.school.pk, other.pk], now=now,
                                 horizon=now + HORIZON)
    assert counts == {personas.school.pk: DutyCounts(due=1), other.pk: DutyCounts(due=1)}


def test_the_measure_counts_approved_transfers_of_the_last_12_months(
        personas: Personas, django_assert_num_queries) -> None:
    assert [spec.area for spec in measures.specs] == ["transfers"]
    egress = channel(personas.school)
    today = timezone.localdate()
    sen_by(personas.school, personas.staff, channel=egress)
    sen_by(personas.school, personas.staff, channel=egress, sent_on=today - timedelta(days=400))
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True)
    empty = SchoolFactory(slug="quiet")
    with django_assert_num_queries(1):
        figures = measures.figures([personas.school.pk, empty.pk], now=timezone.now())
    assert figures == {personas.school.pk: {APPROVED_CHANNEL: (1, 2)}}


def test_the_demo_logs_four_transfers_one_to_review() -> None:
    ctx = builder.DemoContext()
    for name, func in builder.steps():
        if builder._steps[name].order < ORDER:
            func(ctx)
    build_demo_transfer_log(ctx)
    build_demo_transfer_log(ctx)  # idempotent
    school = ctx.schools["larkspur"]
    transfers = list(Transfer.objects.filter(school=school))
    assert len(transfers) == 4
    (unapproved,) = [t for t in transfers if not t.approved]
    assert unapproved.channel_other == "Ordinary e-mail"
    assert unapproved.review == Transfer.Review.TO_REVIEW
    now = timezone.now()
    assert provider.counts([school.pk], now=now, horizon=now + HORIZON)[school.pk].total == 1
