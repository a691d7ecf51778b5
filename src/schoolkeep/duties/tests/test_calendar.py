"""The personal calendar feed: a secret URL, opened without signing in, that can be reset."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from icalendar import Calendar
from tests.factories import MembershipFactory

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.duties import registry
from schoolkeep.duties.calendar import feed_is_set_up, feed_token_reset, feed_url
from schoolkeep.lib.crypto import token_hash
from schoolkeep.tenancy.roles import Role

from .conftest import make_invitation, make_member

TERM_TIME = datetime(2026, 11, 4, 10, tzinfo=UTC)
RESET = reverse("duties:calendar-reset")


@pytest.fixture
def only_school_duties():
    """Only the school's own duties (term dates, invitations): the feed's rules are tested on
    them, whatever later modules raise for a new school."""
    provider = registry.provider_for("tenancy")
    assert provider is not None
    with registry.only(provider):
        yield


def path_of(url: str) -> str:
    assert url.startswith("http://testserver/")
    return url.removeprefix("http://testserver")


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


@time_machine.travel(TERM_TIME, tick=False)
@pytest.mark.usefixtures("only_school_duties")
def test_feed_lists_the_persons_duties_without_signing_in(personas, client):
    url = feed_token_reset(user=personas.business_manager, actor=personas.business_manager)
    [event] = events(client.get(path_of(url)))
    assert str(event["summary"]) == "Overdue: Enter the term dates for 2026/27 (Oakfield Primary)"
    assert event.decoded("dtstart") == date(2026, 8, 1)  # an all-day event
    assert event.decoded("dtend") == date(2026, 8, 2)
    assert str(event["url"]) == "http://testserver/school/terms/2026/"


@time_machine.travel(TERM_TIME, tick=False)
@pytest.mark.usefixtures("only_school_duties")
def test_feed_has_timed_events_and_no_names(personas, client):
    make_invitation(personas.school, expires_at=TERM_TIME + timedelta(days=3),
                    email="jamie.pupilname@example.org", full_name="Jamie Pupilname")
    make_member(personas.school, [Role.IAO], full_name="Nia Newcomer")  # not the SIRO's own
    url = feed_token_reset(user=personas.siro, actor=personas.siro)
    response = client.get(path_of(url))
    [event] = events(response)
    assert event.decoded("dtstart") == TERM_TIME + timedelta(days=3)
    assert b"Jamie" not in response.content and b"Pupilname" not in response.content
    assert b"Nia" not in response.content


@time_machine.travel(TERM_TIME, tick=False)
@pytest.mark.usefixtures("only_school_duties")
def test_feed_spans_the_persons_schools(personas, client):
    MembershipFactory(user=personas.business_manager, school=personas.other_school,
                      roles=[Role.BUSINESS_MANAGER])
    url = feed_token_reset(user=personas.business_manager, actor=personas.business_manager)
    summaries = {str(e["summary"]) for e in events(client.get(path_of(url)))}
    assert summaries == {
        "Overdue: Enter the term dates for 2026/27 (Oakfield Primary)",
        "Overdue: Enter the term dates for 2026/27 (Hillside Academy)",
    }


def test_only_the_hash_is_stored_and_the_reset_is_audited(personas):
    url = feed_token_reset(user=personas.staff, actor=personas.staff)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 256 bits, URL-safe base64
    stored = User.objects.get(pk=personas.staff.pk).calendar_token
    assert stored == token_hash(token) and token not in stored
    event = AuditEvent.objects.get(action="duties.calendar_feed.reset")
    opened = open_event(event).changes  # the actor is signed in: values sealed (audit.sealing)
    assert opened == {"calendar_token": {"before": "changed", "after": "changed"}}
    assert token not in str(event.changes) and token not in str(opened)


def test_reset_invalidates_the_old_url(personas, client):
    old = feed_token_reset(user=personas.staff, actor=personas.staff)
    new = feed_token_reset(user=personas.staff, actor=personas.staff)
    assert old != new
    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(new)).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 500, ""])
def test_unknown_tokens_are_not_found(personas, client, token):
    feed_token_reset(user=personas.staff, actor=personas.staff)
    if token:
        assert client.get(f"/duties/calendar/{token}.ics").status_code == 404
    else:
        assert client.get("/duties/calendar/.ics").status_code == 404


def test_a_deactivated_account_has_no_feed(personas, client):
    url = feed_token_reset(user=personas.staff, actor=personas.staff)
    personas.staff.is_active = False
    personas.staff.save()
    assert client.get(path_of(url)).status_code == 404


def test_the_url_is_shown_only_right_after_it_is_made(personas):
    assert feed_url(personas.staff) is None and not feed_is_set_up(personas.staff)
    with time_machine.travel(TERM_TIME, tick=False):
        url = feed_token_reset(user=personas.staff, actor=personas.staff)
        assert feed_url(personas.staff) == url
    with time_machine.travel(TERM_TIME + timedelta(minutes=11), tick=False):
        assert feed_url(personas.staff) is None
        assert feed_is_set_up(personas.staff)


def test_reset_view_needs_post_and_a_signed_in_user(personas, client, login):
    assert client.post(RESET).status_code == 302  # to the sign-in page
    assert User.objects.get(pk=personas.staff.pk).calendar_token == ""
    client = login(personas.staff)
    assert client.get(RESET).status_code == 405
    response = client.post(RESET)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert feed_is_set_up(User.objects.get(pk=personas.staff.pk))


def test_account_section_shows_the_new_link_once_then_explains(personas, rf):
    user = personas.staff
    context = {"user": user, "calendar_feed_url": None}
    assert "Set up a calendar feed" in render_to_string("duties/_calendar_feed.html", context)
    url = feed_token_reset(user=user, actor=user)
    shown = render_to_string("duties/_calendar_feed.html",
                             {"user": user, "calendar_feed_url": feed_url(user)})
    assert f'value="{url}"' in shown
    later = render_to_string("duties/_calendar_feed.html",
                             {"user": user, "calendar_feed_url": None})
    assert "we cannot show the link again" in later
    assert "Reset the calendar feed link" in later


def test_after_a_reset_the_account_page_shows_the_new_link(personas, login):
    client = login(personas.siro)
    response = client.post(RESET, follow=True)
    page = response.content.decode()
    assert "Your calendar feed is ready" in page
    personas.siro.refresh_from_db()
    url = feed_url(personas.siro)
    assert url and f'value="{url}"' in page
    assert client.get(path_of(url)).status_code == 200
