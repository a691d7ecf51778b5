"""UK date-and-time inputs of the report form, read as Europe/London clock time: plain
winter and summer times, the hour the clocks skip in March (refused, naming the field) and
the hour that happens twice in October (the first is taken, and the reporter told)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from schoolkeep.incidents.clock import LONDON
from schoolkeep.incidents.report.forms import ReportForm
from schoolkeep.lib.date_input import london_instant

# 2026: the clocks go forward on Sunday 29 March and back on Sunday 25 October.
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def form(**data: str) -> ReportForm:
    return ReportForm({"title": "Lost USB stick", "description": "Left in the hall.",
                       "personal_data": "yes", **data}, now=NOW)


@pytest.mark.parametrize(("typed", "expected"), [
    ("2026-01-15T14:30", datetime(2026, 1, 15, 14, 30, tzinfo=UTC)),  # GMT: as typed
    ("2026-07-01T14:30", datetime(2026, 7, 1, 13, 30, tzinfo=UTC)),  # BST: an hour less
    ("2026-07-01 14:30", datetime(2026, 7, 1, 13, 30, tzinfo=UTC)),  # typed with a space
    ("01/07/2026 14:30", datetime(2026, 7, 1, 13, 30, tzinfo=UTC)),  # typed the UK way
    ("2026-03-29T00:59", datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),  # just before the gap
    ("2026-03-29T02:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # just after it
    ("2026-10-25T00:59", datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),  # still BST
    ("2026-10-25T02:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),  # GMT again
])
def test_typed_uk_times_become_utc_instants(typed, expected):
    bound = form(occurred_at=typed)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["occurred_at"] == expected
    assert bound.notes() == []


@pytest.mark.parametrize("field", ["occurred_at", "discovered_at"])
def test_a_time_the_clocks_skipped_is_refused_naming_the_field(field):
    bound = form(**{field: "2026-03-29T01:30"})
    assert not bound.is_valid()
    [message] = bound.errors[field]
    what = "when it happened" if field == "occurred_at" else "when you found out"
    assert message == (
        "There was no 01:30 on Sunday 29 March 2026 in UK time: the clocks went forward from "
        f"01:00 to 02:00. Enter {what} as a time before 01:00 or from 02:00.")


def test_a_time_that_happened_twice_is_read_as_the_first_and_the_reporter_told():
    bound = form(occurred_at="2026-10-25T01:30", discovered_at="2026-10-25T01:45")
    assert bound.is_valid(), bound.errors
    # The first 01:30 is British Summer Time, 00:30 UTC; the second would be 01:30 UTC.
    assert bound.cleaned_data["occurred_at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert bound.cleaned_data["discovered_at"] == datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert bound.notes() == [
        "01:30 on Sunday 25 October 2026 happened twice in UK time, because the clocks went "
        "back an hour. We recorded when it happened as the first 01:30 (BST, 00:30 UTC).",
        "01:45 on Sunday 25 October 2026 happened twice in UK time, because the clocks went "
        "back an hour. We recorded when you found out as the first 01:45 (BST, 00:45 UTC).",
    ]


@pytest.mark.parametrize("typed", ["yesterday", "2026-02-30T10:00", "2026-07-01", "14:30"])
def test_a_time_that_is_not_a_date_and_time_is_refused_naming_the_field(typed):
    bound = form(occurred_at=typed)
    assert not bound.is_valid()
    [message] = bound.errors["occurred_at"]
    assert message.startswith("When it happened must ")


def test_the_boxes_are_read_in_british_order_and_show_london_time():
    boxes = {"occurred_at_0": "1", "occurred_at_1": "7", "occurred_at_2": "2026",
             "occurred_at_3": "14", "occurred_at_4": "30"}
    bound = form(**boxes)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["occurred_at"] == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)
    shown = ReportForm(initial={"occurred_at": datetime(2026, 7, 1, 13, 30, tzinfo=UTC)},
                       now=NOW)
    html = str(shown["occurred_at"])
    assert 'type="datetime-local"' not in html and 'type="date"' not in html
    for part, value in enumerate(["1", "7", "2026", "14", "30"]):  # 14:30 BST
        assert f'name="occurred_at_{part}" value="{value}"' in html


def test_when_you_found_out_shows_now_as_its_default():
    # 12:00 UTC on 28 November is 12:00 GMT.
    hint = ReportForm(now=NOW).fields["discovered_at"].help_text
    assert "Leave it empty if you found out just now" in hint
    assert "12:00 on Saturday 28 November 2026" in hint
    assert hint.endswith("For example, 27 3 2026 14 05")  # the one hint style
    summer = ReportForm(now=datetime(2026, 7, 1, 12, tzinfo=UTC)).fields["discovered_at"]
    assert "13:00 on Wednesday 1 July 2026" in summer.help_text


# Every minute of the two days the clocks change, in 2026 and 2027.
CHANGE_DAYS = [datetime(2026, 3, 29), datetime(2026, 10, 25), datetime(2027, 3, 28),
               datetime(2027, 10, 31)]


@given(day=st.sampled_from(CHANGE_DAYS), minute=st.integers(0, 24 * 60 - 1))
def test_every_accepted_time_reads_back_as_typed_and_every_refused_one_was_skipped(day,
                                                                                   minute):
    local = day + timedelta(minutes=minute)
    try:
        result = london_instant(local, what="when it happened")
    except forms.ValidationError:
        # Refused only inside the hour the clocks skip: 01:00 to 01:59 in March.
        assert day.month == 3 and local.hour == 1
        return
    assert result.instant.tzinfo is UTC
    assert result.instant.astimezone(LONDON).replace(tzinfo=None) == local
    twice = day.month == 10 and local.hour == 1
    assert bool(result.note) == twice
    if twice:  # the first of the two: British Summer Time, an hour before UTC
        assert result.instant == (local - timedelta(hours=1)).replace(tzinfo=UTC)
