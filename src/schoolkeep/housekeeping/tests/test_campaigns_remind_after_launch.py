"""The launch's e-mail counts as the first: "Remind" straight after a launch writes to
nobody (nor ends the personal links just sent), and the launch's message says how many were
e-mailed and how many have no address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.housekeeping.campaigns import services
from schoolkeep.housekeeping.models import Campaign, ConfirmLink
from schoolkeep.housekeeping.tests.records import launch, make_person
from schoolkeep.lib.errors import DomainError

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def test_remind_straight_after_launch_reminds_nobody(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    make_person(personas.school, "Bob Noaccount")
    with django_capture_on_commit_callbacks(execute=True):
        campaign = launch(personas.school)
    link = ConfirmLink.objects.get()
    with pytest.raises(DomainError, match="Nobody to remind"):
        services.campaign_remind(campaign=campaign, actor=personas.siro)
    link.refresh_from_db()
    assert link.expires_at > timezone.now()  # the link just sent still works


def test_the_launch_message_counts_those_without_an_address(personas: Personas,
                                                            login: Login) -> None:
    make_person(personas.school, "Ann Teacher")
    make_person(personas.school, "Cy Nomail", email="")
    day = timezone.localdate() + timedelta(days=20)
    answer = login(personas.siro).post(reverse("housekeeping:campaign-create"), {
        "title": "Housekeeping", "checklist": "Tidy up", "closes_on_0": str(day.day),
        "closes_on_1": str(day.month), "closes_on_2": str(day.year)}, follow=True)
    html = answer.content.decode()
    assert Campaign.objects.count() == 1
    assert "2 people are asked. E-mails are on their way to 1." in html
    assert "1 has no e-mail address" in html
