"""The daily tick of clocks that wait: a request waiting for proof of identity has the
deadline it would have if the proof came today, so the tick moves it on each day, once a day
however many workers tick."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.factories import SchoolFactory

from schoolkeep.duties.scheduler import registered_ticks
from schoolkeep.inforequests.clocks import ticks
from schoolkeep.inforequests.clocks.deadline import clock_refresh
from schoolkeep.inforequests.models import Hold, Request
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
