"""The demo's DPIAs at Larkspur: the child protection records' DPIA half done (required,
assessed with its risks, the DPO's advice recorded and followed, not signed off) and the
CCTV recordings' complete (signed off, its review date in the future); dates counted from
the day the demo is built, in order and none after that day (also when built on 29 February
and just after midnight in a London summer); the exports open for the DPO."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.demo.builder import DemoContext
from schoolkeep.privacy.dpias.demo import (
    CCTV,
    CCTV_SIGNED_DAYS,
    CHILD_PROTECTION,
    CP_ADVICE_DAYS,
    _today,
    build_demo_dpias,
)
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.dpias.registration import DEMO_ORDER
from schoolkeep.privacy.tests.dpias_support import make_asset
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def larkspur(shared_demo: Any) -> School:
    return School.objects.get(slug="larkspur")


def _dpia(school: School, name: str) -> Dpia:
    return Dpia.objects.get(school=school, asset__name=name, archived_at__isnull=True)


def test_child_protection_is_half_done_with_the_dpos_advice(larkspur: School) -> None:
    dpia = _dpia(larkspur, CHILD_PROTECTION)
    assert dpia.screening_required is True
    assert dpia.state == DpiaState.IN_PROGRESS
    assert dpia.dpo_advice_on == _today() - timedelta(days=CP_ADVICE_DAYS)
    assert dpia.dpo_advice_followed is True
    assert dpia.signed_off_on is None
    assert dpia.risks.count() == 2


def test_cctv_is_signed_off_with_a_review_to_come(larkspur: School) -> None:
    dpia = _dpia(larkspur, CCTV)
    assert dpia.state == DpiaState.SIGNED_OFF
    assert dpia.signed_off_on == _today() - timedelta(days=CCTV_SIGNED_DAYS)
    assert dpia.review_on is not None and dpia.review_on > _today()
    assert dpia.dpo_advice_on is not None and dpia.dpo_advice_on < dpia.signed_off_on


def _assert_dates_in_order(dpia: Dpia, today: date) -> None:
    assert dpia.screened_on is not None and dpia.dpo_advice_on is not None
    assert dpia.screened_on <= dpia.dpo_advice_on <= today
    if dpia.signed_off_on is not None:
        assert dpia.dpo_advice_on <= dpia.signed_off_on <= today
        assert dpia.review_on is not None and dpia.review_on > dpia.signed_off_on


def test_the_dates_are_in_order_and_none_after_today(larkspur: School) -> None:
    for name in (CHILD_PROTECTION, CCTV):
        _assert_dates_in_order(_dpia(larkspur, name), _today())


def test_the_exports_open_for_the_dpo(larkspur: School, login: Any) -> None:
    from schoolkeep.accounts.models import User

    dpo = User.objects.get(memberships__school=larkspur, memberships__roles__role="dpo")
    dpia = _dpia(larkspur, CHILD_PROTECTION)
    answer = login(dpo).get(reverse("dpias:dpia-pdf", args=[dpia.public_id]))
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert body.startswith(b"%PDF")


def _larkspur_with_assets() -> DemoContext:
    """Larkspur's DPO and SIRO and the two assets, as the earlier demo steps leave them."""
    school: Any = SchoolFactory(slug="larkspur", name="Larkspur Primary")
    ctx = DemoContext(schools={"larkspur": school})
    for role in (Role.DPO, Role.SIRO):
        user: Any = UserFactory(full_name=f"Demo {role.label}")
        MembershipFactory(user=user, school=school, roles=[role])
        ctx.users[f"larkspur.{role.value}"] = user
    for name in (CHILD_PROTECTION, CCTV):
        make_asset(school, name, children_data=True, purpose="Keeping pupils safe")
    return ctx


@pytest.mark.parametrize("moment, today", [
    (datetime(2028, 2, 29, 10, 0, tzinfo=UTC), date(2028, 2, 29)),  # a leap day
    (datetime(2027, 7, 1, 23, 30, tzinfo=UTC), date(2027, 7, 2)),  # 00:30 in London (BST)
])
def test_the_step_builds_on_a_leap_day_and_after_midnight_in_summer(
        moment: datetime, today: date) -> None:
    with time_machine.travel(moment, tick=False), \
            audit_context(actor_label=cli_actor_label()):
        assert _today() == today
        ctx = _larkspur_with_assets()
        build_demo_dpias(ctx)
        school = ctx.schools["larkspur"]
        assert _dpia(school, CCTV).state == DpiaState.SIGNED_OFF
        assert _dpia(school, CHILD_PROTECTION).state == DpiaState.IN_PROGRESS
        for name in (CHILD_PROTECTION, CCTV):
            _assert_dates_in_order(_dpia(school, name), today)


def test_the_step_runs_after_the_register() -> None:
    assert DEMO_ORDER > 300
