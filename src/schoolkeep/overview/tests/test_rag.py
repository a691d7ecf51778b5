"""Red, amber and green, decided once: green when all are met, amber at 90 % or more, red
below; nothing to measure when there is nothing to count. An area takes its worst."""

from __future__ import annotations

import pytest

from schoolkeep.overview.types import Figure, MeasureSpec, Rag, rag_for, worst

SPEC = MeasureSpec("test.thing", "record", "Things", "are done")


@pytest.mark.parametrize(("met", "total", "rag"), [
    (10, 10, Rag.GREEN), (1, 1, Rag.GREEN),
    (9, 10, Rag.AMBER), (90, 100, Rag.AMBER), (999, 1000, Rag.AMBER),
    (89, 100, Rag.RED), (899, 1000, Rag.RED), (0, 1, Rag.RED), (0, 5, Rag.RED),
    (0, 0, Rag.NONE),
])
def test_thresholds(met: int, total: int, rag: Rag) -> None:
    assert rag_for(met, total) is rag


def test_every_colour_has_a_word_so_colour_is_never_alone() -> None:
    assert [rag.word for rag in Rag] == ["All met", "Nearly met", "Not met", "Nothing to measure"]


def test_an_area_takes_its_worst_measure() -> None:
    assert worst([Rag.GREEN, Rag.AMBER, Rag.NONE]) is Rag.AMBER
    assert worst([Rag.GREEN, Rag.RED, Rag.AMBER]) is Rag.RED
    assert worst([Rag.NONE, Rag.GREEN]) is Rag.GREEN
    assert worst([Rag.NONE]) is Rag.NONE


def test_a_figure_missing_for_a_school_is_neutral_and_its_percent_never_rounds_up() -> None:
    assert Figure(SPEC, 0, 0, present=False).rag is Rag.NONE
    assert Figure(SPEC, 999, 1000).percent == 99
    assert Figure(SPEC, 3, 4).short_of == 1
