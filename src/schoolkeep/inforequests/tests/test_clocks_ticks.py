"""The daily tick of the clocks: a request waiting for proof of identity has the deadline it
would have if the proof came today, and an extension not told in time lapses, so the tick
works out every open request each day, once a day however many workers tick; a tick that
fails leaves the day to the next one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from tests.factories import SchoolFactory

from schoolkeep.duties.scheduler import registered_ticks
from schoolkeep.inforequests.clocks import ticks
from schoolkeep.inforequests.clocks.deadline import clock_refresh
from schoolkeep.inforequests.models import Extension, Hold, Request
from schoolkeep.inforequests.tests.test_clocks_support import stored_request

pytestmark = pytest.mark.django_db


def test_the_tick_is_registered() -> None:
    assert registered_ticks()[ticks.JOB] is ticks.daily


def test_a_waiting_deadline_moves_on_once_a_day() -> None:
    school = SchoolFactory()
    waiting = stored_request(school, received_on=date(2026, 3, 2))
    running = stored_request(school, received_on=date(2026, 3, 2))
    Hold.objects.create(request=waiting, reason=Hold.Reason.IDENTITY, asked_on=date(2026, 3, 3))
    clock_refresh(waiting)
    # 00:30 in London on 10 March 2026 (GMT): as if the proof came on 10 March.
    assert ticks.daily(datetime(2026, 3, 10, 0, 30, tzinfo=UTC)) == 1
    stored = Request.objects.get(pk=waiting.pk)
    assert (stored.waiting_since, stored.due_on) == (date(2026, 3, 3), date(2026, 4, 10))
    assert ticks.daily(datetime(2026, 3, 10, 0, 40, tzinfo=UTC)) == 0  # claimed already
    # The next day, in summer time: 23:10 UTC on 10 May is 00:10 on 11 May in London.
    assert ticks.daily(datetime(2026, 5, 10, 23, 10, tzinfo=UTC)) == 1
    assert Request.objects.get(pk=waiting.pk).due_on == date(2026, 6, 11)
    assert Request.objects.get(pk=running.pk).due_on == date(2026, 4, 2)


def test_the_tick_lets_an_untold_extension_lapse_on_every_open_request() -> None:
    # Received on 2 March 2026, extended by a month on 20 March, the requester never told:
    # while there is time to tell (to 2 April) the deadline is Tuesday 5 May (2 May is a
    # Saturday, 4 May a bank holiday); the night after 2 April it is 2 April again, though
    # the request waits for nothing.
    school = SchoolFactory()
    with time_machine.travel(datetime(2026, 3, 25, 12, tzinfo=UTC), tick=False):
        request = stored_request(school, received_on=date(2026, 3, 2))
        Extension.objects.create(request=request, decided_on=date(2026, 3, 20), amount=1,
                                 reason="Ten years of records")
        clock_refresh(request)
    assert Request.objects.get(pk=request.pk).due_on == date(2026, 5, 5)
    assert ticks.daily(datetime(2026, 4, 2, 0, 30, tzinfo=UTC)) == 0  # still time to tell
    assert ticks.daily(datetime(2026, 4, 3, 0, 30, tzinfo=UTC)) == 1
    stored = Request.objects.get(pk=request.pk)
    assert (stored.due_on, stored.waiting_since) == (date(2026, 4, 2), None)


def test_a_failed_tick_does_not_lose_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    school = SchoolFactory()
    waiting = stored_request(school, received_on=date(2026, 3, 2))
    Hold.objects.create(request=waiting, reason=Hold.Reason.IDENTITY, asked_on=date(2026, 3, 3))
    calls = []

    def broken(**kwargs: object) -> int:
        calls.append(kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ticks, "clocks_refresh_open", broken)
    with pytest.raises(RuntimeError):
        ticks.daily(datetime(2026, 3, 10, 0, 10, tzinfo=UTC))
    monkeypatch.undo()
    # The next ten-minute tick claims the same day again and does the work.
    assert ticks.daily(datetime(2026, 3, 10, 0, 20, tzinfo=UTC)) == 1
    assert Request.objects.get(pk=waiting.pk).due_on == date(2026, 4, 10)
    assert ticks.daily(datetime(2026, 3, 10, 0, 30, tzinfo=UTC)) == 0
    assert len(calls) == 1
