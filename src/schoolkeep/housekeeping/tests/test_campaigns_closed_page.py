"""The close page of a campaign already closed offers no button: it goes back to the
campaign's page, saying it is closed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.housekeeping.campaigns import services
from schoolkeep.housekeeping.tests.records import launch, make_person

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def test_the_close_page_of_a_closed_campaign_goes_back(personas: Personas,
                                                       login: Login) -> None:
    make_person(personas.school, "Ann Teacher")
    campaign = launch(personas.school)
    services.campaign_close(campaign=campaign, actor=personas.siro)
    client = login(personas.siro)
    close = reverse("housekeeping:campaign-close", args=[campaign.public_id])
    answer = client.get(close, follow=True)
    assert answer.redirect_chain == [(reverse("housekeeping:campaign-detail",
                                              args=[campaign.public_id]), 302)]
    html = answer.content.decode()
    assert "This campaign is closed." in html and "Close the campaign" not in html
