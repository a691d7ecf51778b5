"""The demo's policy register at Larkspur: the imported Online Security Policy overdue for
its owner, a policy approved today and due a year on, one waiting for the governor; running the
step again changes nothing."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from schoolkeep.agreements.policies.demo import build_demo_policies
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.policies.selectors import Status, policy_list, review_states
from schoolkeep.demo import builder
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import OVERDUE


def build_foundation() -> builder.DemoContext:
    ctx = builder.DemoContext()
    builder.build_trust(ctx)
    builder.build_members(ctx)
    return ctx


def test_the_step_is_registered_after_people_and_assets():
    orders = {step.name: step.order for step in builder._steps.values()}
    assert orders["policies"] == 450


def test_the_demo_register_shows_each_state_and_duty(db):
    ctx = build_foundation()
    build_demo_policies(ctx)
    school = ctx.schools["larkspur"]
    today = timezone.localdate()
    policies = list(policy_list(school=school))
    states = {policy.title: state.status for policy, state in review_states(
        school, policies, today=today)}
    assert states == {"Online Security Policy": Status.OVERDUE,
                      "Data Protection Policy": Status.UP_TO_DATE,
                      "Records Retention Policy": Status.WAITING}
    online = Policy.objects.get(school=school, title="Online Security Policy")
    governor, dpo = ctx.users["larkspur.governor"], ctx.users["larkspur.dpo"]
    assert online.approved_by_name == governor.full_name and online.owner == dpo
    assert online.next_review_term
    # Approved today: its next review is its cycle (12 months) on, not weeks away.
    data_protection = Policy.objects.get(school=school, title="Data Protection Policy")
    assert data_protection.approved_on == today
    assert data_protection.approved_by_name == governor.full_name
    assert data_protection.next_review_on == today + relativedelta(months=12)
    duties = {d.subject: d for d in duties_for_school(school, timezone.now())
              if d.module == "policies"}
    review = duties["Online Security Policy"]
    assert review.status == OVERDUE and review.owner_user_ids == (dpo.pk,)
    assert duties["Records Retention Policy, version 1"].owner_user_ids == (governor.pk,)
    assert "Data Protection Policy" not in duties

    versions = PolicyVersion.objects.count()
    build_demo_policies(ctx)
    assert PolicyVersion.objects.count() == versions
