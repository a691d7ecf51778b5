"""The one-use personal link: GET shows one button and records nothing; POST confirms once;
a used, expired, superseded or closed campaign's link is refused with a plain page; a wrong
token is a quiet 404; the token never reaches the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import forget, open_event
from schoolkeep.housekeeping.campaigns import services
from schoolkeep.housekeeping.campaigns.links import link_issue
from schoolkeep.housekeeping.models import Confirmation, ConfirmLink
from schoolkeep.housekeeping.tests.records import launch, make_person

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return reverse("housekeeping:link", args=[token])


@pytest.fixture
def issued(personas: Personas) -> tuple[Confirmation, str]:
    make_person(personas.school, "Bob Noaccount")
    launch(personas.school)
    confirmation = Confirmation.objects.get()
    _link, token = link_issue(confirmation=confirmation)
    return confirmation, token


def test_get_shows_one_button_and_records_nothing(issued) -> None:
    confirmation, token = issued
    response = Client().get(url(token))
    html = response.content.decode()
    assert response.status_code == 200 and "Bob Noaccount" in html
    assert html.count('type="submit"') == 1 and "I have deleted files" in html
    assert response["Referrer-Policy"] == "no-referrer"
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is None and ConfirmLink.objects.get().used_at is None


def test_post_confirms_once(issued) -> None:
    confirmation, token = issued
    response = Client().post(url(token))
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.confirmed_via == "link"
    assert confirmation.confirmed_by_label == "personal link: Bob Noaccount"
    again = Client().post(url(token))
    assert again.status_code == 410 and "already done" in again.content.decode()
    assert Confirmation.objects.filter(confirmed_at__isnull=False).count() == 1
    assert not any(token in str(event.changes) or token in event.target_label
                   for event in AuditEvent.objects.all())
    # The confirmation's event is about Bob: its label and the link's actor label (naming
    # him) are sealed under his key, so forgetting him leaves his name in no audit row.
    event = AuditEvent.objects.get(action="housekeeping.campaign.confirmed")
    assert event.actor_id is None and event.actor_label == "personal link"
    assert open_event(event).actor_label == "personal link: Bob Noaccount"
    forget([("people.person", str(confirmation.person_id))])
    stored = list(AuditEvent.objects.values_list("actor_label", "target_label", "changes"))
    assert [row for row in stored if "Bob" in str(row)] == []
    assert "Noaccount" not in str(stored)


def test_expired_and_superseded_links_are_refused(issued) -> None:
    confirmation, token = issued
    _newer, newer_token = link_issue(confirmation=confirmation)
    response = Client().post(url(token))
    assert response.status_code == 410 and "expired" in response.content.decode()
    ConfirmLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().post(url(newer_token)).status_code == 410
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at is None


def test_a_confirmation_given_another_way_ends_the_link(issued, personas: Personas) -> None:
    confirmation, token = issued
    services.confirmation_record(confirmation=confirmation, actor=personas.siro)
    # Recording it ends the link: a later press does not confirm twice.
    response = Client().post(url(token))
    assert response.status_code == 410 and "already done" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.confirmed_via == "recorded"


def test_closing_ends_open_links(personas: Personas) -> None:
    make_person(personas.school, "Bob Noaccount")
    campaign = launch(personas.school)
    _link, token = link_issue(confirmation=Confirmation.objects.get())
    services.campaign_close(campaign=campaign, actor=personas.siro)
    response = Client().post(url(token))
    assert response.status_code == 410 and "closed" in response.content.decode()
    assert Confirmation.objects.get().confirmed_at is None


def test_wrong_tokens_are_a_quiet_404(issued) -> None:
    _confirmation, token = issued
    assert Client().get(url("x" * 43)).status_code == 404
    assert Client().post(url(token[:-2] + "zz")).status_code == 404
    rest = reverse("housekeeping:link-not-found", args=[f"{token}/more"])
    assert Client().get(rest).status_code == 404
    assert Confirmation.objects.get().confirmed_at is None
