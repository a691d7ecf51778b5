"""clock_refresh and clocks_refresh_open against the database: the clock fields are saved,
a hold or an extension moves them, and the school's extra bank holiday counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.inforequests.clocks.deadline import (
    clock_refresh,
    clocks_refresh_open,
    days_left,
    elapsed_fraction,
)
from schoolkeep.inforequests.models import Extension, ExtraBankHoliday, Hold, Kind, Request
from schoolkeep.inforequests.tests.test_clocks_support import stored_request

pytestmark = pytest.mark.django_db


def test_a_new_request_gets_its_month() -> None:
    request = stored_request(SchoolFactory(), received_on=date(2026, 3, 2))
    stored = Request.objects.get(pk=request.pk)
    assert (stored.clock_starts_on, stored.due_on) == (date(2026, 3, 2), date(2026, 4, 2))
    assert stored.extension_tell_by == date(2026, 4, 2)
    assert stored.waiting_since is None and stored.due_estimated is False


def test_an_identity_hold_restarts_the_month_when_it_arrives() -> None:
    request = stored_request(SchoolFactory(), received_on=date(2026, 3, 2))
    hold = Hold.objects.create(request=request, reason=Hold.Reason.IDENTITY,
                               asked_on=date(2026, 3, 3))
    clock = clock_refresh(request)
    assert Request.objects.get(pk=request.pk).waiting_since == date(2026, 3, 3)
    assert clock.waiting_since == date(2026, 3, 3)
    hold.answered_on = date(2026, 3, 20)
    hold.save()
    clock_refresh(request)
    stored = Request.objects.get(pk=request.pk)
    assert stored.waiting_since is None
    assert (stored.clock_starts_on, stored.due_on) == (date(2026, 3, 20), date(2026, 4, 20))


def test_a_restarted_clock_sends_its_reminders_again() -> None:
    """The reminders at 50, 75 and 90 % count from the clock's start: when it starts again
    (proof of identity arrived), those already sent are sent again for the new month."""
    request = stored_request(SchoolFactory(), received_on=date(2026, 3, 2))
    Request.objects.filter(pk=request.pk).update(reminded_50_at=timezone.now())
    request.refresh_from_db()
    Hold.objects.create(request=request, reason=Hold.Reason.IDENTITY,
                        asked_on=date(2026, 3, 3), answered_on=date(2026, 3, 20))
    clock_refresh(request)
    stored = Request.objects.get(pk=request.pk)
    assert stored.clock_starts_on == date(2026, 3, 20) and stored.reminded_50_at is None


def test_an_extension_moves_the_deadline_but_not_the_day_to_tell_by() -> None:
    request = stored_request(SchoolFactory(), received_on=date(2026, 3, 2))
    Extension.objects.create(request=request, decided_on=date(2026, 3, 20), amount=2,
                             reason="Ten years of records", told_on=date(2026, 3, 20))
    clock_refresh(request)
    stored = Request.objects.get(pk=request.pk)
    assert (stored.due_on, stored.extension_tell_by) == (date(2026, 6, 2), date(2026, 4, 2))


def test_an_extra_england_bank_holiday_moves_a_deadline_on_it() -> None:
    school = SchoolFactory()
    # 2 March 2026 + one month = Thursday 2 April 2026, an ordinary working day.
    request = stored_request(school, received_on=date(2026, 3, 2))
    other = stored_request(SchoolFactory(), received_on=date(2026, 3, 2))
    ExtraBankHoliday.objects.create(school=school, day=date(2026, 4, 2), name="A state day")
    assert clocks_refresh_open(schools=[school]) == 1
    # Then Good Friday, the weekend and Easter Monday.
    assert Request.objects.get(pk=request.pk).due_on == date(2026, 4, 7)
    assert Request.objects.get(pk=other.pk).due_on == date(2026, 4, 2)  # another school: unchanged
    assert clocks_refresh_open(schools=[school]) == 0


def test_days_left_and_elapsed_fraction() -> None:
    request = stored_request(SchoolFactory(), received_on=date(2026, 3, 2))
    assert days_left(request, date(2026, 3, 30)) == 3
    assert days_left(request, date(2026, 4, 2)) == 0
    assert days_left(request, date(2026, 4, 5)) == -3
    assert elapsed_fraction(request, date(2026, 3, 2)) == 0.0
    assert elapsed_fraction(request, date(2026, 4, 2)) == 1.0
    assert elapsed_fraction(request, date(2026, 3, 17)) == 15 / 31


def test_an_educational_record_request_counts_school_days_of_the_default_pattern() -> None:
    # No term dates entered: the default pattern (estimated), which is never saved by reading.
    from schoolkeep.tenancy.models import Term

    before = Term.objects.count()
    request = stored_request(SchoolFactory(), kind=Kind.EDUCATIONAL_RECORD,
                             received_on=date(2026, 12, 10))
    assert request.due_estimated is True
    assert Term.objects.count() == before
    # 11, 14-18 December (6), then spring from Monday 4 January 2027: 4-8, 11-14 (9) = 15.
    assert request.due_on == date(2027, 1, 14)
