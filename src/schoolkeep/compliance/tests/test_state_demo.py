"""The demo's compliance at Larkspur: owners named, the attested controls confirmed over the
year with the backup tapes overdue, a snapshot a week for a year rising to today's (taken for
real), a governor pack ready; running the step again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.compliance.models import (
    Attestation,
    Control,
    ControlSetting,
    GovernorPack,
    Snapshot,
    State,
)
from schoolkeep.compliance.state import engine
from schoolkeep.compliance.state.demo import OVERDUE_CODE, OWNERS, WEEKS, build_demo_compliance
from schoolkeep.compliance.state.duties import ATTESTATION_DUE, provider
from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.types import HORIZON, OVERDUE
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def larkspur() -> DemoContext:
    school = SchoolFactory(slug="larkspur", name="Larkspur Primary")
    ctx = DemoContext(schools={"larkspur": school})
    for role in (Role.SIRO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.HR_ADMIN, Role.GOVERNOR):
        user = UserFactory(full_name=f"Demo {role.label}")
        MembershipFactory(user=user, school=school, roles=[role])
        ctx.users[f"larkspur.{role.value}"] = user
    return ctx


def test_demo_compliance_at_larkspur() -> None:
    ctx = larkspur()
    school = ctx.schools["larkspur"]
    build_demo_compliance(ctx)
    build_demo_compliance(ctx)  # again: nothing more
    named = dict(ControlSetting.objects.filter(school=school, owner__isnull=False)
                 .values_list("control__code", "owner_id"))
    assert named == {code: ctx.users[f"larkspur.{role}"].pk for code, role in OWNERS.items()}
    now = timezone.now()
    states = {s.control.code: s for s in engine.control_states(school, now=now).values()}
    attested = [s for s in states.values() if s.control.kind == Control.Kind.ATTESTED]
    assert attested and all(Attestation.objects.filter(school=school, control=s.control)
                            for s in attested)
    assert states[OVERDUE_CODE].state == State.NOT_MET
    assert [s.control.code for s in attested if s.state != State.MET] == [OVERDUE_CODE]
    duties = provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    overdue = [d for d in duties if d.key.startswith(ATTESTATION_DUE) and d.status == OVERDUE]
    assert [d.title for d in overdue] == [f"Confirm: {states[OVERDUE_CODE].control.title}"]
    today = timezone.localdate()
    for code in ("school-policy", "dfe-cyber", "rpa-cyber"):
        rows = list(Snapshot.objects.filter(school=school, framework_code=code)
                    .order_by("taken_on"))
        assert len(rows) == WEEKS + 1
        assert rows[0].taken_on == today - timedelta(weeks=WEEKS) and rows[-1].taken_on == today
        scores = [row.score_permille for row in rows[:-1]]
        assert scores == sorted(scores) and scores[0] < rows[-1].score_permille
        assert all(row.total == rows[-1].total for row in rows)
    [pack] = GovernorPack.objects.filter(school=school)
    assert pack.status == GovernorPack.Status.READY


def test_the_demo_builds_in_the_holidays_without_a_pack(time_machine) -> None:  # type: ignore[no-untyped-def]
    """Built on 2 January, the demo school's only term to cover (Autumn) ended before it
    began: everything else is built and no pack is asked for (make run works all year)."""
    time_machine.move_to("2027-01-02 10:00:00+00:00", tick=False)
    ctx = larkspur()
    school = ctx.schools["larkspur"]
    build_demo_compliance(ctx)
    assert Snapshot.objects.filter(school=school).exists()
    assert not GovernorPack.objects.filter(school=school).exists()
