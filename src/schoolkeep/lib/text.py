"""Small text helpers shared by registers and imports."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    """Trimmed, with every run of whitespace made one space."""
    return _SPACES.sub(" ", text or "").strip()


def fold(text: str) -> str:
    """The matching key of a name or label: tidied and case-folded ("Pupil  data" and
    "pupil Data" are one key)."""
    return tidy(text).casefold()
