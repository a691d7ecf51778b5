"""The duty ``housekeeping.unconfirmed`` (the member themselves, while the campaign is open,
due on its confirm-by date; none for people without an account) agrees between its counts,
its kinds and its lists, and shows on the member's dashboard linking to their confirm page;
the measure counts confirmed of asked across the open campaigns (else the latest closed),
in one query."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.duties.selectors import holders_of, owners_for
from schoolkeep.duties.types import HORIZON, DutyCounts
from schoolkeep.housekeeping.campaigns import services
from schoolkeep.housekeeping.campaigns.duties import KIND, provider
from schoolkeep.housekeeping.campaigns.measures import CONFIRMED
from schoolkeep.housekeeping.campaigns.measures import provider as measures
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.housekeeping.tests.records import launch, make_person

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def _setup(personas: Personas, days: int = 5) -> Campaign:
    make_person(personas.school, "Ann Member", user=personas.staff)
    make_person(personas.school, "Bob Member", user=personas.dsl)
    make_person(personas.school, "Cy Noaccount")
    make_person(personas.other_school, "Dee Elsewhere", user=personas.outsider)
    return launch(personas.school, days=days)


def test_one_duty_per_member_who_has_not_confirmed(personas: Personas) -> None:
    _setup(personas)
    now = timezone.now()
    school = personas.school.pk
    duties = provider.for_school(school, now=now, horizon=now + HORIZON)
    assert {d.owner_user_id for d in duties} == {personas.staff.pk, personas.dsl.pk}
    assert all(d.url.startswith("/housekeeping/confirm/") for d in duties)
    assert provider.counts([school, personas.other_school.pk], now=now,
                           horizon=now + HORIZON) == {school: DutyCounts(due=2)}
    services.confirmation_confirm(
        confirmation=Confirmation.objects.get(person__user=personas.staff),
        actor=personas.staff)
    holders = holders_of([school])
    owners = owners_for(holders, school, personas.staff.pk)
    counted = provider.kind_counts(school, now=now, horizon=now + HORIZON, owners=owners)
    assert counted[KIND].mine == DutyCounts() and counted[KIND].others == DutyCounts(due=1)
    dsl = owners_for(holders, school, personas.dsl.pk)
    mine = provider.for_kind(school, KIND, now=now, horizon=now + HORIZON, owners=dsl)
    assert [d.owner_user_id for d in mine] == [personas.dsl.pk]


def test_overdue_after_the_date_and_gone_when_closed(personas: Personas) -> None:
    campaign = _setup(personas)
    later = timezone.now() + timedelta(days=7)
    assert provider.counts([personas.school.pk], now=later, horizon=later + HORIZON) == {
        personas.school.pk: DutyCounts(overdue=2)}
    now = timezone.now()  # a confirm-by date beyond the horizon is not listed yet
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_on=timezone.localdate() + timedelta(days=60))
    assert provider.for_school(personas.school.pk, now=now, horizon=now + HORIZON) == []
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=campaign.closes_on)
    services.campaign_close(campaign=campaign, actor=personas.siro)
    assert provider.counts([personas.school.pk], now=later, horizon=later + HORIZON) == {}


def test_the_dashboard_links_to_the_confirm_page(personas: Personas, login: Login) -> None:
    _setup(personas)
    mine = Confirmation.objects.get(person__user=personas.staff)
    html = login(personas.staff).get(reverse("duties:dashboard")).content.decode()
    assert reverse("housekeeping:confirm", args=[mine.public_id]) in html


def test_the_measure_is_the_latest_campaign(personas: Personas,
                                            django_assert_num_queries) -> None:
    campaign = _setup(personas)
    services.confirmation_confirm(
        confirmation=Confirmation.objects.get(person__user=personas.staff),
        actor=personas.staff)
    ids = [personas.school.pk, personas.other_school.pk]
    with django_assert_num_queries(1):
        figures = measures.figures(ids, now=timezone.now())
    assert figures == {personas.school.pk: {CONFIRMED: (1, 3)}}
    services.campaign_close(campaign=campaign, actor=personas.siro)
    launch(personas.school, kinds=["teaching"])
    assert measures.figures(ids, now=timezone.now()) == {personas.school.pk: {CONFIRMED: (0, 3)}}


def test_the_measure_counts_every_open_campaign(personas: Personas,
                                                django_assert_num_queries) -> None:
    """Campaigns overlap: a governors' campaign launched after the staff one adds to the
    figure instead of replacing the staff's; once all close, the latest closed counts."""
    make_person(personas.school, "Ann Member", user=personas.staff)
    make_person(personas.school, "Bob Teacher")
    staff = launch(personas.school)
    services.confirmation_confirm(
        confirmation=Confirmation.objects.get(person__user=personas.staff),
        actor=personas.staff)
    make_person(personas.school, "Gil Governor", "governor")
    governors = launch(personas.school, kinds=["governor"])
    ids = [personas.school.pk, personas.other_school.pk]
    with django_assert_num_queries(1):
        figures = measures.figures(ids, now=timezone.now())
    assert figures == {personas.school.pk: {CONFIRMED: (1, 3)}}
    services.campaign_close(campaign=governors, actor=personas.siro)
    assert measures.figures(ids, now=timezone.now()) == {personas.school.pk: {CONFIRMED: (1, 2)}}
    services.campaign_close(campaign=staff, actor=personas.siro)
    assert measures.figures(ids, now=timezone.now()) == {personas.school.pk: {CONFIRMED: (0, 1)}}
