"""lib.tabular.bounded_row, the bounds every imported row passes through, gives what the
plain cell-by-cell reading gave (kept here as the reference): the same cells, the same text
spent, the same refusal when the file's text passes its bound."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schoolkeep.lib.import_bounds import (
    MAX_CELL_CHARS,
    MAX_FILE_CHARS,
    ImportFileError,
    LongCell,
    TextBudget,
    bound_cell,
)
from schoolkeep.lib.tabular import bounded_row


def reference_row(values: Any, budget: TextBudget) -> list[Any]:
    """The reading before it was made faster: each cell spent and bounded in turn."""
    cells = []
    for value in values:
        if isinstance(value, str):
            budget.spend(len(value))
        cells.append(bound_cell(value))
    return cells


def _read_with(read_row: Any, values: list[Any], spent: int) -> tuple[Any, ...]:
    """What ``read_row`` makes of ``values`` with ``spent`` characters of the file's budget
    already used: the cells and the budget after, or the refusal."""
    budget = TextBudget()
    budget.chars = spent
    try:
        cells = read_row(iter(values), budget)
    except ImportFileError as exc:
        return ("refused", str(exc))
    return ("read", [(type(cell), cell) for cell in cells], budget.chars)


def _outcome(values: list[Any], spent: int) -> tuple[Any, ...]:
    return _read_with(bounded_row, values, spent)


def _reference(values: list[Any], spent: int) -> tuple[Any, ...]:
    return _read_with(reference_row, values, spent)


# Cells as CSV and workbooks give them, with text at and around the longest a cell may hold.
CELLS = st.one_of(
    st.text(max_size=30),
    st.integers(MAX_CELL_CHARS - 3, MAX_CELL_CHARS + 3).map(lambda n: "é" * n),
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.dates(), st.datetimes(),
    st.builds(LongCell, st.integers(MAX_CELL_CHARS + 1, 10**8), st.text(max_size=80)),
)


@given(st.lists(CELLS, max_size=12),
       st.integers(MAX_FILE_CHARS - 3 * MAX_CELL_CHARS, MAX_FILE_CHARS))
def test_a_row_is_read_as_the_cell_by_cell_reading_read_it(values: list[Any],
                                                            spent: int) -> None:
    assert _outcome(values, spent) == _reference(values, spent)


@pytest.mark.parametrize(("values", "spent", "expected"), [
    ([], 0, ("read", [], 0)),
    (["a", "bc", ""], 0, ("read", [(str, "a"), (str, "bc"), (str, "")], 3)),
    ([None, 3, 2.5, date(2024, 1, 2), datetime(2024, 1, 2, 3, 4)], 7,
     ("read", [(type(None), None), (int, 3), (float, 2.5), (date, date(2024, 1, 2)),
               (datetime, datetime(2024, 1, 2, 3, 4))], 7)),
    (["x" * MAX_CELL_CHARS], 0, ("read", [(str, "x" * MAX_CELL_CHARS)], MAX_CELL_CHARS)),
    (["ok", "y" * (MAX_CELL_CHARS + 1)], 0,
     ("read", [(str, "ok"), (LongCell, LongCell(MAX_CELL_CHARS + 1, "y" * 80))],
      MAX_CELL_CHARS + 3)),
    (["ab"], MAX_FILE_CHARS - 2, ("read", [(str, "ab")], MAX_FILE_CHARS)),
])
def test_cells_are_kept_or_bounded_and_their_text_counted(values: list[Any], spent: int,
                                                          expected: tuple[Any, ...]) -> None:
    assert _outcome(values, spent) == expected == _reference(values, spent)


def test_a_row_that_passes_the_files_bound_is_refused() -> None:
    outcome = _outcome(["a", "bc"], MAX_FILE_CHARS - 2)
    assert outcome[0] == "refused" and "more than 25,000,000 characters" in outcome[1]
    assert outcome == _reference(["a", "bc"], MAX_FILE_CHARS - 2)


def test_the_row_given_is_not_changed_and_a_new_list_comes_back() -> None:
    values = ["a", "z" * (MAX_CELL_CHARS + 1)]
    cells = bounded_row(values, TextBudget())
    assert cells is not values and values[1] == "z" * (MAX_CELL_CHARS + 1)
    assert isinstance(cells[1], LongCell)
