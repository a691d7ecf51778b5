"""The demo step (order 430): Larkspur's campaign for all staff, half done (one recorded by
the SIRO, the others from their dashboards), the demo staff member still to confirm (their
dashboard shows the duty), no e-mail sent; running it again changes nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.demo.builder import DemoContext
from schoolkeep.housekeeping.campaigns.demo import build_demo_housekeeping
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.housekeeping.tests.records import make_person

pytestmark = pytest.mark.django_db


def test_a_campaign_half_done(personas: Personas, django_capture_on_commit_callbacks) -> None:
    school = SchoolFactory(name="Larkspur Primary", slug="larkspur")
    for index in range(6):
        make_person(school, f"Person {index}")
    make_person(school, "Ellie Morgan", user=personas.staff)
    ctx = DemoContext(schools={"larkspur": school}, users={"larkspur.staff": personas.staff})
    with django_capture_on_commit_callbacks(execute=True):
        build_demo_housekeeping(ctx)
        build_demo_housekeeping(ctx)
    campaign = Campaign.objects.get(school=school)
    rows = Confirmation.objects.filter(campaign=campaign)
    confirmed = rows.filter(confirmed_at__isnull=False)
    assert rows.count() == 7 and 0 < confirmed.count() < 7
    assert set(confirmed.values_list("confirmed_via", flat=True)) == {"recorded", "dashboard"}
    assert rows.get(person__user=personas.staff).confirmed_at is None
    assert campaign.is_open and mail.outbox == []
