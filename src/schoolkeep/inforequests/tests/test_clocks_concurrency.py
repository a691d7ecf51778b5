"""At the same moment: the daily refresh of the open clocks and a service changing one
request. The refresh locks the rows it reads (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transaction takes the write lock before reading), so it waits for the service and
works out the clock from what the service saved, never overwriting the service's fresher
clock with one worked out from what it read before. Each thread has its own connection
(throttles/tests/racing.py)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import transaction
from tests.factories import SchoolFactory

from schoolkeep.inforequests.clocks.deadline import clock_refresh, clocks_refresh_open
from schoolkeep.inforequests.models import Hold, Request
from schoolkeep.inforequests.tests.test_clocks_support import stored_request
from schoolkeep.throttles.tests.racing import racing_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_refresh_never_overwrites_a_clock_a_service_is_saving() -> None:
    school = SchoolFactory()
    request = stored_request(school, received_on=date(2026, 3, 2))
    hold = Hold.objects.create(request=request, reason=Hold.Reason.IDENTITY,
                               asked_on=date(2026, 3, 3))
    clock_refresh(request)
    saved = threading.Event()

    def service() -> None:
        # As hold_answer does: lock the request, record the answer (10 March: the month
        # restarts, to 10 April), save the clock; the refresh starts while this is open.
        with transaction.atomic():
            current = Request.objects.select_for_update().get(pk=request.pk)
            Hold.objects.filter(pk=hold.pk).update(answered_on=date(2026, 3, 10))
            clock_refresh(current)
            saved.set()
            time.sleep(1.5)

    def refresh() -> int:
        assert saved.wait(timeout=30)
        # Read before the service commits, it would see the proof still awaited and write
        # the deadline as if it came on 20 March (20 April), over the service's 10 April.
        return clocks_refresh_open(schools=[school], today=date(2026, 3, 20))

    with racing_database() as race:
        race.run(2, lambda index: service() if index == 0 else refresh())
        stored = race.read(lambda: Request.objects.values_list(
            "clock_starts_on", "due_on", "waiting_since").get(pk=request.pk))
    assert stored == (date(2026, 3, 10), date(2026, 4, 10), None)
