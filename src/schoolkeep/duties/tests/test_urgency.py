"""Urgency: a running legal clock first, then overdue, then due, on the dashboard (a red
banner for whoever handles the clock, with the hours left), in the reminder e-mails and in
the calendar feed; the words for the time left."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from schoolkeep.duties import registry, selectors
from schoolkeep.duties.calendar import feed_groups, feed_ics
from schoolkeep.duties.clocks import time_left
from schoolkeep.duties.services import _message, reminders_pending
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts, status_for
from schoolkeep.tenancy.roles import Role

from .conftest import confirm_terms

NOW = datetime(2026, 11, 4, 10, tzinfo=UTC)
DASHBOARD = reverse("duties:dashboard")


class Provider:
    """Fixed duties of three kinds, read whole."""

    module = "urgency"
    label = "Urgent things"
    kind_labels = {"urgency.clock": "Legal deadlines", "urgency.late": "Late things",
                   "urgency.soon": "Things due soon"}

    def __init__(self, duties: list[Duty]) -> None:
        self.duties = duties

    def counts(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime):
        summed = sum((DutyCounts.of(d.status) for d in self.duties), DutyCounts())
        return dict.fromkeys(school_ids, summed)

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return list(self.duties)


def _duty(kind: str, n: int, due_at: datetime | date, **fields: object) -> Duty:
    values: dict[str, object] = {
        "key": f"urgency.{kind}:{n}", "module": "urgency", "title": f"Do {kind} thing {n}",
        "subject": f"Record {n}", "due_at": due_at, "status": status_for(due_at, NOW),
        "url": f"/urgency/{kind}/{n}/", "owner_role": Role.DPO}
    values.update(fields)
    return Duty(**values)  # type: ignore[arg-type]


def _school_duties() -> list[Duty]:
    """A clock due in 41 hours, a thing a month late, a thing due tomorrow."""
    return [
        _duty("soon", 1, date(2026, 11, 5)),
        _duty("late", 1, date(2026, 10, 4)),
        _duty("clock", 1, NOW + timedelta(hours=41, minutes=30), legal_clock=True),
    ]


def test_sort_key_puts_a_running_clock_before_overdue_before_due() -> None:
    duties = _school_duties()
    ordered = sorted(duties, key=Duty.sort_key)
    assert [d.key for d in ordered] == ["urgency.clock:1", "urgency.late:1", "urgency.soon:1"]
    assert [d.urgency for d in ordered] == [0, 1, 2]
    # An overdue clock is still first: the law's deadline has passed.
    late_clock = _duty("clock", 2, NOW - timedelta(hours=3), legal_clock=True)
    assert late_clock.status == OVERDUE
    assert sorted([*duties, late_clock], key=Duty.sort_key)[0] == late_clock


@pytest.mark.parametrize(("left", "words"), [
    (timedelta(hours=41, minutes=59), "41 hours left"),
    (timedelta(hours=2), "2 hours left"),
    (timedelta(hours=1, minutes=59, seconds=59), "1 hour 59 minutes left"),
    (timedelta(hours=1), "1 hour 0 minutes left"),
    (timedelta(minutes=1), "1 minute left"),
    (timedelta(seconds=30), "less than a minute left"),
    (timedelta(seconds=-30), "overdue by less than a minute"),
    (timedelta(hours=-1, minutes=-5), "overdue by 1 hour 5 minutes"),
    (timedelta(hours=-27), "overdue by 27 hours"),
])
def test_the_time_left_in_words(left: timedelta, words: str) -> None:
    assert time_left(NOW + left, NOW) == words


def test_the_time_left_counts_elapsed_hours_across_a_change_of_the_clocks() -> None:
    # The clocks went back at 02:00 BST on 25 October 2026: 00:00 to 12:00 local is 13 hours.
    midnight = datetime(2026, 10, 25, 0, 0, tzinfo=UTC) - timedelta(hours=1)  # 00:00 BST
    noon = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)  # 12:00 GMT
    assert time_left(noon, midnight) == "13 hours left"


@time_machine.travel(NOW, tick=False)
def test_the_handlers_dashboard_starts_with_the_clock_in_a_red_banner(personas, login):
    confirm_terms(year=2026, school=personas.school)
    with registry.only(Provider(_school_duties())):
        page = login(personas.dpo).get(DASHBOARD).content.decode()
    main = page[page.index("<main"):]
    banner = main.index('class="notification-banner notification-banner-error"')
    assert banner < main.index('<ul class="count-list">') < main.index('id="mine-title"')
    assert ('<a href="/urgency/clock/1/">Do clock thing 1</a>: 41 hours left'
            in main[banner:])
    assert "The deadline is 03:30 on Friday 6 November 2026 (UK time)." in main
    # The clock is in the banner only; the rest follow it, the overdue kind first.
    assert main.count("Do clock thing 1") == 1
    mine = main[main.index('id="mine-title"'):]
    assert mine.index("Late things") < mine.index("Things due soon")


@time_machine.travel(NOW, tick=False)
def test_a_passed_deadline_says_so_and_by_how_long(personas, login):
    confirm_terms(year=2026, school=personas.school)
    passed = _duty("clock", 1, NOW - timedelta(hours=1, minutes=5), legal_clock=True)
    with registry.only(Provider([passed])):
        page = login(personas.dpo).get(DASHBOARD).content.decode()
    assert "A legal deadline has passed" in page
    assert "Do clock thing 1</a>: overdue by 1 hour 5 minutes" in page
    assert "The deadline was 08:55 on Wednesday 4 November 2026 (UK time)." in page


@time_machine.travel(NOW, tick=False)
def test_who_oversees_a_clock_sees_it_first_among_the_others_and_named_at_the_top(
        personas, login):
    confirm_terms(year=2026, school=personas.school)
    with registry.only(Provider(_school_duties())):
        page = login(personas.siro).get(DASHBOARD).content.decode()
    # Not the owner's banner ("A legal deadline is running"): one line per kind, at the top,
    # above the SIRO's own duties, leading to the others' duties of that kind.
    assert 'id="legal-clocks"' not in page
    start = page.index('id="others-clocks"')
    banner = page[start:page.index("</section>", start)]
    assert start < page.index('id="mine-title"')
    assert "Legal deadlines running for others" in banner
    assert "Legal deadlines: " in banner and "(41 hours left; owner: Data protection officer)" \
        in banner
    assert f'href="{reverse("duties:duty-kind-list", args=["urgency.clock"])}?who=others"' \
        in banner
    others = page[page.index('id="school-title"'):]
    kinds = re.findall(r'<h4 id="kind-others-[\d-]+">([^<]+) <span', others)
    assert kinds == ["Legal deadlines", "Late things", "Things due soon"]
    assert "Owner: Data protection officer." in others
    # Marked apart from the rest, with the time left, not "Due" like the others.
    assert ('<strong class="tag tag-red">Legal deadline</strong> <a href="/urgency/clock/1/">'
            in others)
    assert "41 hours left. Due by 03:30 on Friday 6 November 2026." in others


@time_machine.travel(NOW, tick=False)
def test_reminders_and_the_calendar_feed_put_the_clock_first(personas):
    confirm_terms(year=2026, school=personas.school)
    with registry.only(Provider(_school_duties())):
        _day, reminders, _already = reminders_pending(NOW)
        feed = feed_groups(personas.dpo, NOW)
        [dpo] = [r for r in reminders if r.user == personas.dpo]
        body = _message(dpo).body
        calendar = Calendar.from_ical(feed_ics(personas.dpo, NOW)).walk("VEVENT")
    [(_school, groups)] = dpo.by_school
    assert [g.kind for g in groups] == ["urgency.clock", "urgency.late", "urgency.soon"]
    assert body.index("Do clock thing 1") < body.index("Do late thing 1") < body.index(
        "Do soon thing 1")
    assert "- Do clock thing 1\n  A legal deadline. Due by 03:30 on Friday 6 November 2026" in body
    assert [g.kind for _name, g in feed] == ["urgency.clock", "urgency.late", "urgency.soon"]
    assert [str(event["summary"]) for event in calendar] == [
        "Legal deadline: Do clock thing 1 (Oakfield Primary)",
        "Overdue: Do late thing 1 (Oakfield Primary)", "Do soon thing 1 (Oakfield Primary)"]


@time_machine.travel(NOW, tick=False)
def test_clocks_beyond_the_preview_are_counted_and_one_link_away(personas, login):
    confirm_terms(year=2026, school=personas.school)
    clocks = [_duty("clock", n, NOW + timedelta(hours=n), legal_clock=True) for n in range(1, 6)]
    with registry.only(Provider(clocks)):
        page = login(personas.dpo).get(DASHBOARD).content.decode()
    assert page.count("Do clock thing") == selectors.DASHBOARD_PREVIEW
    kinds = reverse("duties:duty-kind-list", args=["urgency.clock"])
    assert f'<a href="{kinds}">See all 5<span class="visually-hidden">: Legal deadlines' in page
    assert "1 hour 0 minutes left" in page and "3 hours left" in page


def test_a_kind_is_due_overdue_or_a_clock_as_its_first_duty_says() -> None:
    group = selectors.KindGroup("urgency.clock", "Legal deadlines", DutyCounts(due=1),
                                [_duty("clock", 1, NOW, legal_clock=True, status=DUE)])
    assert group.legal_clock and group.module == "urgency"
    assert not selectors.KindGroup("urgency.late", "Late", DutyCounts(), []).legal_clock
