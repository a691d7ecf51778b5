"""The measure interface: how well a school keeps its policy, as "met out of total".

Duties say what needs doing; measures say, for those who check rather than do (governors,
the auditor, the DPO, the SIRO, a trust), whether the school keeps its policy. A measure is
a count of records that meet a rule out of the records the rule applies to ("31 of 34
people have every required check"). Measures never name a record: they are aggregates, so
they may be shown to someone who may not see the records themselves.

A provider (one per module, in ``<app>/measures.py``) declares its measures (``specs``) and
answers ``figures(school_ids, now=)``: {school id: {measure key: (met, total)}} in ONE
aggregate query whatever the number of schools. A measure may add a third number, pending:
records the rule will apply to but cannot yet be judged (a possible breach still inside its
72 hours), counted in neither ``met`` nor ``total`` and said in its ``pending_words``. A
measure a school has no figure for (such as the acceptable use policy of an audience it has
not published) is shown with the measure's ``empty`` words.

Red, amber and green are decided here and nowhere else (``rag_for``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

AMBER_FROM = 0.9  # at least 90 % met, but not all: amber


class Rag(Enum):
    """Red, amber, green; NONE when there is nothing to measure (shown neutrally)."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"

    @property
    def word(self) -> str:
        """The word shown beside every figure, so that colour is never the only cue."""
        return _WORDS[self]

    @property
    def tag_class(self) -> str:
        return _TAGS[self]

    @property
    def colour(self) -> str:
        """The fill of its bar in a chart (dark enough to stand out on white)."""
        return _COLOURS[self]


_WORDS = {Rag.GREEN: "All met", Rag.AMBER: "Nearly met", Rag.RED: "Not met",
          Rag.NONE: "Nothing to measure"}
_TAGS = {Rag.GREEN: "tag-green", Rag.AMBER: "tag-yellow", Rag.RED: "tag-red",
         Rag.NONE: "tag-grey"}
_COLOURS = {Rag.GREEN: "#00703c", Rag.AMBER: "#b35900", Rag.RED: "#c2311a",
            Rag.NONE: "#505a5f"}


def rag_for(met: int, total: int) -> Rag:
    """Green when every one is met, amber at 90 % or more, red below; NONE when there is
    nothing to count."""
    if total <= 0:
        return Rag.NONE
    if met >= total:
        return Rag.GREEN
    if met >= AMBER_FROM * total:
        return Rag.AMBER
    return Rag.RED


def worst(rags: Sequence[Rag]) -> Rag:
    """An area's colour: its worst measure's (NONE when none has anything to measure)."""
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
        if rag in rags:
            return rag
    return Rag.NONE


@dataclass(frozen=True)
class MeasureSpec:
    """One measure as a provider declares it."""

    key: str  # stable and unique, "<module>.<words>", such as "people.record-complete"
    area: str  # the key of a registered ``Area``
    label: str  # plain English: what is counted, such as "People with every required check"
    met_words: str  # what a met record is called in a sentence: "have every required check"
    empty: str = "Nothing to measure"  # shown when a school has nothing to count
    # Where the detail is, for a viewer who holds ``permission`` in the school shown.
    url_name: str = ""
    permission: str = ""
    # Records not yet measurable (the provider's third number), said as (one, several) with
    # "{n}" for the number, and what the figure says when nothing else is counted yet.
    pending_words: tuple[str, str] = ("", "")
    pending_none: str = "Nothing counted yet"


@dataclass(frozen=True)
class Figure:
    """A measure's figures for one school."""

    spec: MeasureSpec
    met: int
    total: int
    present: bool = True  # False: the school has no figure for it (``spec.empty`` applies)
    pending: int = 0  # not yet measurable, in neither figure (``MeasureSpec.pending_words``)

    @property
    def rag(self) -> Rag:
        return rag_for(self.met, self.total) if self.present else Rag.NONE

    @property
    def short_of(self) -> int:
        return max(self.total - self.met, 0)

    @property
    def percent(self) -> int:
        """Met as a whole percentage, rounded down (so 99.6 % never shows as 100 %)."""
        return self.met * 100 // self.total if self.total > 0 else 0

    @property
    def pending_note(self) -> str:
        """"1 still within its 72 hours", "2 still within their 72 hours"; "" when none."""
        if self.pending <= 0 or not self.spec.pending_words[0]:
            return ""
        one, several = self.spec.pending_words
        return (one if self.pending == 1 else several).format(n=f"{self.pending:,}")


# (met, total) or (met, total, pending)
Counted = tuple[int, int] | tuple[int, int, int]
Figures = dict[int, dict[str, Counted]]


class MeasureProvider(Protocol):
    module: str  # the app label
    label: str  # plain English, for the note when its figures are hidden
    # The permission a viewer needs to see its figures (``overview.view`` for most).
    view_permission: str
    specs: list[MeasureSpec]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        """{school id: {measure key: (met, total) or (met, total, pending)}} in ONE aggregate
        query for any number of schools. Schools (or measures) without figures may be left out."""
        ...


@dataclass(frozen=True)
class Area:
    """A section of the overview, such as "Single Central Record". The compliance work
    adds its frameworks as further areas (and their controls as measures)."""

    key: str
    label: str
    order: int  # lower first
    description: str = ""
