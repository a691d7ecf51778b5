"""The campaign pages: launching from the form (checklist prefilled), a campaign's page
(completion, who has not, remind and record buttons for the SIRO only), the member's
confirm page (GET changes nothing, POST confirms; someone else's or another school's: 404),
closing, the checklist page; the list and the campaign page cost the same queries at 3 and 40
rows."""

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
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.housekeeping.tests.records import launch, make_person

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("housekeeping:campaign-list")
CREATE = reverse("housekeeping:campaign-create")
CHECKLIST = reverse("housekeeping:checklist")
# The session, the user, their access; then the count and the rows (the list), or the
# campaign, its three aggregates, the count and the rows (a campaign's page).
QUERIES_LIST = 5
QUERIES_DETAIL = 9


def detail(campaign: Campaign, name: str = "campaign-detail") -> str:
    return reverse(f"housekeeping:{name}", args=[campaign.public_id])


def test_launch_from_the_form(personas: Personas, login: Login) -> None:
    make_person(personas.school, "Ann Teacher")
    make_person(personas.school, "Dan Governor", "governor")
    client = login(personas.siro)
    html = client.get(CREATE).content.decode()
    assert "I have deleted files I no longer need" in html  # the checklist, prefilled
    bad = client.post(CREATE, {"title": "Housekeeping", "checklist": "Tidy up",
                               "closes_on": timezone.localdate().isoformat()})
    assert bad.status_code == 200 and "after today" in bad.content.decode()
    assert not Campaign.objects.exists()
    response = client.post(CREATE, {
        "title": "Housekeeping 2027", "checklist": "Tidy up\nEmpty downloads",
        "closes_on": (timezone.localdate() + timedelta(days=20)).isoformat()})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(campaign)
    assert campaign.checklist == ["Tidy up", "Empty downloads"]
    assert list(campaign.confirmations.values_list("person__full_name", flat=True)) == [
        "Ann Teacher"]


def test_the_campaign_page_shows_completion_and_who_has_not(personas: Personas,
                                                           login: Login) -> None:
    make_person(personas.school, "Ann Teacher")
    make_person(personas.school, "Bob Support", "support", email="")
    campaign = launch(personas.school)
    html = login(personas.auditor).get(detail(campaign)).content.decode()
    assert "0 of 2 people have confirmed" in html and "Bob Support" in html
    assert "No e-mail address" in html and "Remind those who have not" not in html
    siro = login(personas.siro)
    assert "Remind those who have not" in siro.get(detail(campaign)).content.decode()
    bob = Confirmation.objects.get(person__full_name="Bob Support")
    response = siro.post(reverse("housekeeping:campaign-record",
                                 args=[campaign.public_id, bob.public_id]))
    assert response.status_code == 302
    html = siro.get(detail(campaign)).content.decode()
    assert "1 of 2 people have confirmed" in html
    done = siro.get(detail(campaign), {"show": "confirmed"}).content.decode()
    assert "Bob Support" in done and "Recorded for them" in done
    # Two days on: the launch's e-mail counts as a reminder for a day.
    Confirmation.objects.filter(campaign=campaign).update(
        last_reminded_at=timezone.now() - timedelta(days=2))
    reminded = siro.post(detail(campaign, "campaign-remind"), follow=True)
    assert "Reminders are on their way to 1 person" in reminded.content.decode()
    again = siro.post(detail(campaign, "campaign-remind"), follow=True)
    assert "Nobody to remind" in again.content.decode()


def test_the_confirm_page_get_changes_nothing_post_confirms(personas: Personas,
                                                           login: Login) -> None:
    make_person(personas.school, "Ann Member", user=personas.staff)
    make_person(personas.school, "Bob Other", user=personas.dsl)
    launch(personas.school)
    ann = Confirmation.objects.get(person__full_name="Ann Member")
    bob = Confirmation.objects.get(person__full_name="Bob Other")
    client = login(personas.staff)
    page = reverse("housekeeping:confirm", args=[ann.public_id])
    html = client.get(page).content.decode()
    assert "I have done my digital housekeeping" in html
    ann.refresh_from_db()
    assert ann.confirmed_at is None
    assert client.get(reverse("housekeeping:confirm", args=[bob.public_id])).status_code == 404
    assert client.post(reverse("housekeeping:confirm", args=[bob.public_id])).status_code == 404
    assert client.post(page).status_code == 302
    ann.refresh_from_db()
    assert ann.confirmed_via == "dashboard"
    assert "You confirmed on" in client.get(page).content.decode()
    outsider = login(personas.outsider)
    assert outsider.get(page).status_code == 404


def test_closing_keeps_the_figures(personas: Personas, login: Login) -> None:
    make_person(personas.school, "Ann Teacher")
    campaign = launch(personas.school)
    client = login(personas.siro)
    assert "0 of 1 people" in client.get(detail(campaign, "campaign-close")).content.decode()
    assert Campaign.objects.get().closed_at is None  # the GET asks, nothing more
    client.post(detail(campaign, "campaign-close"))
    closed = Campaign.objects.get()
    assert closed.closed_at is not None and closed.figures["asked"] == 1
    assert "Closed" in client.get(detail(campaign)).content.decode()


def test_the_checklist_page(personas: Personas, login: Login) -> None:
    reader = login(personas.auditor).get(CHECKLIST).content.decode()
    assert "nothing personal about pupils" in reader and "Save the checklist" not in reader
    client = login(personas.siro)
    response = client.post(CHECKLIST, {"checklist": "Tidy the shared drive", "version": "0"})
    assert response.status_code == 302
    assert services.checklist_of(personas.school)[0] == ["Tidy the shared drive"]
    stale = client.post(CHECKLIST, {"checklist": "Other", "version": "0"})
    assert stale.status_code == 200
    assert login(personas.dpo).post(CHECKLIST, {"checklist": "X", "version": "1"}
                                    ).status_code == 403


def _campaigns(personas: Personas, number: int) -> Campaign:
    for index in range(number):
        make_person(personas.school, f"Person {index:02d}", email="")
    campaign = launch(personas.school)
    for confirmation in Confirmation.objects.all()[: number // 2]:
        services.confirmation_record(confirmation=confirmation, actor=None)
    for index in range(number - 1):
        Campaign.objects.create(school=personas.school, title=f"Old {index}",
                                launched_at=timezone.now() - timedelta(days=400 + index),
                                launched_by_label="x", closes_on=timezone.localdate(),
                                closed_at=timezone.now())
    return campaign


@pytest.mark.parametrize("number", [3, 40])
def test_query_counts_are_the_same_at_3_and_40(personas: Personas, login: Login,
                                               django_assert_num_queries, number: int) -> None:
    campaign = _campaigns(personas, number)
    client = login(personas.siro)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(QUERIES_LIST):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(QUERIES_DETAIL):
        assert client.get(detail(campaign)).status_code == 200
    with django_assert_num_queries(QUERIES_DETAIL):
        assert client.get(detail(campaign), {"show": "confirmed"}).status_code == 200

