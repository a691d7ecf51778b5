"""The demo's digital housekeeping at Larkspur (order 430): a campaign for all staff launched
ten days ago, to confirm within the next ten days, half done. Every other person asked (by
name) has confirmed, some from their dashboard and one recorded by the SIRO; the rest have the
duty ``housekeeping.unconfirmed`` on their dashboards (the demo's staff member among them, so
that signing in as them shows it). No e-mail is sent. Running the step again changes nothing:
a school with a campaign gets no other. People are fictional.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.housekeeping.campaigns.services import (
    DEFAULT_CHECKLIST,
    campaign_launch,
    confirm_locked,
)
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.lib.errors import DomainError

SCHOOL = "larkspur"


def build_demo_housekeeping(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None or Campaign.objects.filter(school=school).exists():
        return
    now = timezone.now()
    launched = now - timedelta(days=10)
    try:
        campaign = campaign_launch(
            school=school, actor=None, title=f"Digital housekeeping {launched.year}",
            closes_on=timezone.localdate(now) + timedelta(days=10),
            checklist=DEFAULT_CHECKLIST, now=launched, send_emails=False)
    except DomainError:  # nobody to ask at Larkspur in a trimmed demo: nothing to show
        return
    staff_user = ctx.users.get(f"{SCHOOL}.staff")
    rows = [row for row in Confirmation.objects.filter(campaign=campaign)
            .select_related("campaign", "person").order_by("person__name_key", "pk")
            if staff_user is None or row.person.user_id != staff_user.pk]
    with transaction.atomic():
        for index, confirmation in enumerate(rows[::2]):  # every other one: half done
            recorded = index == 0
            confirm_locked(confirmation,
                           via=Confirmation.Via.RECORDED if recorded
                           else Confirmation.Via.DASHBOARD,
                           label="Amara Osei" if recorded else confirmation.person.full_name,
                           actor=None, now=launched + timedelta(days=1 + index % 7))
