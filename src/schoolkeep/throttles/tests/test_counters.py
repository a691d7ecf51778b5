"""Throttle counters: a fixed window per (throttle, page, address), the address never
stored, and ended windows cleaned up by the ten-minute tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from schoolkeep.duties.scheduler import registered_ticks
from schoolkeep.throttles.models import ThrottleCounter
from schoolkeep.throttles.services import (
    Throttle,
    throttle_blocked,
    throttle_hit,
    throttles_clean_up,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
THREE = Throttle("test", limit=3, window=timedelta(minutes=10))


def hits(count: int, *, address: str = "192.0.2.1", page: str = "") -> list[bool]:
    return [throttle_hit(throttle=THREE, address=address, page=page) for _ in range(count)]


def test_the_limit_is_reached_then_the_window_starts_again():
    with time_machine.travel(NOW, tick=False):
        assert hits(5) == [True, True, True, False, False]
        assert throttle_blocked(throttle=THREE, address="192.0.2.1")
    with time_machine.travel(NOW + timedelta(minutes=9, seconds=59), tick=False):
        assert hits(1) == [False]  # fixed window: from the first attempt, not the last
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        assert not throttle_blocked(throttle=THREE, address="192.0.2.1")
        assert hits(4) == [True, True, True, False]


def test_blocked_only_reads():
    with time_machine.travel(NOW, tick=False):
        hits(2)
        for _ in range(5):
            assert not throttle_blocked(throttle=THREE, address="192.0.2.1")
        assert hits(2) == [True, False]


def test_each_address_and_each_page_counts_on_its_own():
    with time_machine.travel(NOW, tick=False):
        assert hits(4, page="school-1") == [True, True, True, False]
        assert hits(1, page="school-2") == [True]  # another school's page
        assert hits(1, address="192.0.2.2", page="school-1") == [True]  # another address
        other = Throttle("other", limit=3, window=timedelta(minutes=10))
        assert throttle_hit(throttle=other, address="192.0.2.1", page="school-1")
        assert not throttle_blocked(throttle=THREE, address="192.0.2.1", page="school-2")


def test_the_address_is_not_stored():
    hits(1, address="203.0.113.77")
    [row] = ThrottleCounter.objects.values_list("throttle", "page", "client", "hits")
    assert "203.0.113.77" not in str(row) and row[3] == 1 and len(row[2]) == 40


def test_the_tick_deletes_ended_windows_only():
    with time_machine.travel(NOW, tick=False):
        hits(1, address="192.0.2.1")
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        hits(1, address="192.0.2.2")
    assert registered_ticks()["throttles.clean-up"] is throttles_clean_up
    assert throttles_clean_up(NOW + timedelta(minutes=12)) == 1
    assert ThrottleCounter.objects.count() == 1
    assert throttles_clean_up(NOW + timedelta(minutes=15)) == 1
    assert not ThrottleCounter.objects.exists()
