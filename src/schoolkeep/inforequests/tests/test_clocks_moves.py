""""How the deadline moved" (``Clock.moves``), as properties over every kind and many dates,
holds, extensions and closings: the moves are in date order and end with one move "The
deadline is ..." (or "was", once closed) dated on or after every other, whose deadline is the
clock's; so the last move that sets a deadline always agrees with ``due_on``. "N days do not
count" is written only for days that did not count (N at least 1). No database."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.inforequests.clocks.deadline import work_out
from schoolkeep.inforequests.models import Kind
from schoolkeep.inforequests.progress.services import extension_unit, hold_reasons_for
from schoolkeep.inforequests.tests.test_clocks_rules import CALENDAR, extension, hold

FIRST, LAST = date(2026, 1, 1), date(2027, 10, 31)
NOT_COUNTED = re.compile(r"(\d+) (?:working )?days? (?:waiting for it )?do not count")


@st.composite
def scenarios(draw: Any) -> tuple[SimpleNamespace, list[Any], list[Any], date]:
    kind = draw(st.sampled_from(sorted(Kind.values)))
    received = draw(st.dates(min_value=FIRST, max_value=LAST))
    later = st.integers(0, 90)
    holds = []
    reasons = hold_reasons_for(kind)
    for _ in range(draw(st.integers(0, 3)) if reasons else 0):
        asked = received + timedelta(days=draw(later))
        answered = (None if draw(st.booleans())
                    else asked + timedelta(days=draw(st.integers(0, 40))))
        holds.append(hold(draw(st.sampled_from(reasons)), asked, answered))
    extensions = []
    unit = extension_unit(kind) or ("months" if kind == Kind.EXAM_MARKS else "")
    for _ in range(draw(st.integers(0, 2)) if unit else 0):
        decided = received + timedelta(days=draw(st.integers(0, 40)))
        told = (None if draw(st.booleans())
                else decided + timedelta(days=draw(st.integers(0, 30))))
        extensions.append(extension(draw(st.integers(1, 2)) if unit == "months"
                                    else draw(st.integers(1, 20)), decided, told))
    seen = [received, *(h.answered_on or h.asked_on for h in holds)]
    today = max(seen) + timedelta(days=draw(st.integers(0, 120)))
    status = draw(st.sampled_from(["open", "answered", "withdrawn"]))
    closed = max(seen) + timedelta(days=draw(st.integers(0, 60)))
    request = SimpleNamespace(
        kind=kind, received_on=received, pk=None, status=status,
        responded_on=closed if status == "answered" else None,
        withdrawn_on=closed if status == "withdrawn" else None,
        results_announced_on=(received + timedelta(days=draw(st.integers(-60, 200)))
                              if kind == Kind.EXAM_MARKS and draw(st.booleans()) else None),
        acknowledged_on=(received + timedelta(days=draw(st.integers(0, 60)))
                         if kind == Kind.COMPLAINT and draw(st.booleans()) else None))
    return request, holds, extensions, max(today, closed)


@settings(max_examples=600, deadline=None)
@given(scenario=scenarios())
def test_the_last_move_is_the_deadline(scenario: tuple[Any, list[Any], list[Any], date]
                                       ) -> None:
    request, holds, extensions, today = scenario
    result = work_out(request, holds=holds, extensions=extensions, calendar=CALENDAR,
                      today=today)
    final = result.moves[-1]
    assert final.due_on == result.due_on
    assert [move.due_on for move in result.moves if move.due_on is not None][-1] == \
        result.due_on
    assert final.what.startswith("The deadline")
    assert sum(move.what.startswith("The deadline ") for move in result.moves) == 1
    assert all(move.on <= final.on for move in result.moves)
    assert [move.on for move in result.moves] == sorted(move.on for move in result.moves)
    assert result.due_on >= result.starts_on  # never a deadline before the clock starts
    for move in result.moves:
        for count in NOT_COUNTED.findall(move.what):
            assert int(count) >= 1, move.what
    if request.status != "open":
        assert result.waiting_since is None
        assert final.what.startswith(("The deadline was", "The deadline to acknowledge it was"))


@settings(max_examples=300, deadline=None)
@given(received=st.dates(min_value=FIRST, max_value=LAST),
       kind=st.sampled_from(sorted(Kind.values)))
def test_every_kind_on_any_day_ends_with_its_deadline(received: date, kind: str) -> None:
    result = work_out(SimpleNamespace(kind=kind, received_on=received, pk=None,
                                      results_announced_on=None, acknowledged_on=None),
                      holds=[], extensions=[], calendar=CALENDAR, today=received)
    assert result.moves[-1].due_on == result.due_on
    assert result.moves[-1].what.startswith("The deadline")
    assert result.moves[-1].on == result.due_on
