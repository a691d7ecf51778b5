"""People who leave after a campaign's launch: they stay in its figures (asked once, at
launch), but get no reminder e-mail, no dashboard duty, and cannot confirm any more, from
the dashboard or recorded by the SIRO (as their personal link already refused them)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.duties.types import HORIZON, DutyCounts
from schoolkeep.housekeeping.campaigns import services
from schoolkeep.housekeeping.campaigns.duties import provider
from schoolkeep.housekeeping.campaigns.sending import campaign_emails_send
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.housekeeping.tests.records import launch, make_person
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person

pytestmark = pytest.mark.django_db


def _left_after_launch(personas: Personas) -> Campaign:
    today = timezone.localdate()
    make_person(personas.school, "Ann Leaver", user=personas.staff,
                start_date=today - timedelta(days=400))
    make_person(personas.school, "Bob Member", user=personas.dsl)
    campaign = launch(personas.school, days=5)  # due within the dashboard's horizon
    Person.objects.filter(full_name="Ann Leaver").update(leaving_date=today - timedelta(days=3))
    return campaign


def test_a_leaver_gets_no_reminder(personas: Personas,
                                   django_capture_on_commit_callbacks) -> None:
    campaign = _left_after_launch(personas)
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_remind(campaign=campaign, actor=personas.siro,
                                        now=later) == 1
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    ann = Confirmation.objects.get(person__full_name="Ann Leaver")
    assert ann.reminders_sent == 0
    # Named directly (a reminder queued before she left), she is still not written to.
    mail.outbox.clear()
    assert campaign_emails_send(campaign_id=str(campaign.public_id),
                                confirmation_ids=[str(ann.pk)], reminder=True) == 0
    assert mail.outbox == []


def test_a_leaver_has_no_duty(personas: Personas) -> None:
    _left_after_launch(personas)
    now = timezone.now()
    school = personas.school.pk
    duties = provider.for_school(school, now=now, horizon=now + HORIZON)
    assert [d.owner_user_id for d in duties] == [personas.dsl.pk]
    assert provider.counts([school], now=now, horizon=now + HORIZON) == {
        school: DutyCounts(due=1)}


def test_a_leaver_cannot_confirm_nor_be_recorded(personas: Personas) -> None:
    _left_after_launch(personas)
    ann = Confirmation.objects.get(person__full_name="Ann Leaver")
    with pytest.raises(DomainError, match="Ann Leaver left on"):
        services.confirmation_confirm(confirmation=ann, actor=personas.staff)
    with pytest.raises(DomainError, match="Ann Leaver left on"):
        services.confirmation_record(confirmation=ann, actor=personas.siro)
    ann.refresh_from_db()
    assert ann.confirmed_at is None


def test_the_campaign_page_offers_no_record_button_for_a_leaver(personas: Personas,
                                                                login) -> None:
    campaign = _left_after_launch(personas)
    html = login(personas.siro).get(
        reverse("housekeeping:campaign-detail", args=[campaign.public_id])).content.decode()
    assert "Left on" in html and "nothing to record" in html
    assert "They have done it<span class=\"visually-hidden\">: Ann Leaver" not in html
    assert "They have done it<span class=\"visually-hidden\">: Bob Member" in html
