"""The demo's recovery plan at Larkspur: written, the usual contacts with IT support's number,
the systems in order, a tabletop exercise 360 days ago so that the dashboard shows the next
test due within its fortnight; running the step again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.continuity.models import PlanContact, PlanTest, RecoveryPlan, Scope
from schoolkeep.continuity.plan.demo import TESTED_DAYS_AGO, build_demo_plan
from schoolkeep.continuity.plan.duties import UNTESTED, provider
from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.types import DUE, HORIZON

pytestmark = pytest.mark.django_db


def test_demo_plan_is_written_ordered_and_due_for_its_test_soon() -> None:
    school = SchoolFactory(slug="larkspur")
    for kind, name in [("curriculum_network", "Curriculum network"),
                       ("admin_network", "Admin network"), ("schoolkeep", "Schoolkeep")]:
        Scope.objects.create(school=school, kind=kind, name=name, name_key=name.lower())
    ctx = DemoContext(schools={"larkspur": school})
    build_demo_plan(ctx)
    build_demo_plan(ctx)  # again: nothing more
    assert "Who leads" in RecoveryPlan.objects.get(school=school).text
    assert PlanContact.objects.filter(school=school).count() == 6
    assert PlanContact.objects.get(school=school, kind="it_support").phone
    order = list(Scope.objects.filter(school=school).order_by("restore_order")
                 .values_list("name", flat=True))
    assert order == ["Admin network", "Schoolkeep", "Curriculum network"]
    [test] = PlanTest.objects.filter(school=school)
    assert test.tested_on == timezone.localdate() - timedelta(days=TESTED_DAYS_AGO)
    now = timezone.now()
    [duty] = provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    assert duty.key.startswith(UNTESTED) and duty.status == DUE
