"""Lists said as a sentence on the overview pages: "A, B and C", never a line per item."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from schoolkeep.lib import text

register = template.Library()


@register.filter
def listed(words: Iterable[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return text.listed(words)


@register.filter
def mid_sentence(labels: Iterable[str]) -> list[str]:
    """Labels as words inside a sentence: "Backups" becomes "backups", while "People and
    the Single Central Record" keeps its proper noun and "ICO ..." its capitals."""
    return [_lowered(label) for label in labels]


def _lowered(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


@register.filter
def left_out(notes: Iterable[Mapping[str, Any]]) -> str:
    """The schools page's notes of what is left out ({label, schools, everywhere}) as one
    phrase: "A and B" when left out at every school shown, "A and B; C at Brook Academy" when
    one is left out at some schools only (the viewer's roles differ between schools)."""
    everywhere: list[str] = []
    at_some: dict[tuple[str, ...], list[str]] = {}
    for note in notes:
        if note["everywhere"]:
            everywhere.append(_lowered(note["label"]))
        else:
            at_some.setdefault(tuple(note["schools"]), []).append(_lowered(note["label"]))
    phrases = [listed(everywhere)] if everywhere else []
    phrases += [f"{listed(labels)} at {listed(schools)}" for schools, labels in at_some.items()]
    return "; ".join(phrases)
