"""The demo's DPIAs at Larkspur: the child protection records' DPIA half done (required,
assessed with its risks, the DPO's advice recorded and followed, not signed off) and the
CCTV recordings' complete (signed off, its review date in the future); dates counted from
the day the demo is built; the exports open for the DPO."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from schoolkeep.privacy.dpias.demo import (
    CCTV,
    CCTV_SIGNED_DAYS,
    CHILD_PROTECTION,
    CP_ADVICE_DAYS,
    _today,
)
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.dpias.registration import DEMO_ORDER
from schoolkeep.tenancy.models import School

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


def test_the_exports_open_for_the_dpo(larkspur: School, client: Any) -> None:
    from schoolkeep.accounts.models import User

    dpo = User.objects.get(memberships__school=larkspur, memberships__roles__role="dpo")
    client.force_login(dpo)
    dpia = _dpia(larkspur, CHILD_PROTECTION)
    answer = client.get(reverse("dpias:dpia-pdf", args=[dpia.public_id]))
    assert answer.status_code in (200, 302)  # 302: the two-factor gate of a fresh session


def test_the_step_runs_after_the_register() -> None:
    assert DEMO_ORDER > 300
