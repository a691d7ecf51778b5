"""Small text helpers shared by registers and imports."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    """Trimmed, with every run of whitespace made one space."""
    if not text:
        return ""
    # The quick path, for the text most cells and names hold: printable text has no
    # whitespace but the plain space, so without a double, leading or trailing space it is
    # tidy already, and the regular expression (the dearer part of an import) is skipped.
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """The matching key of a name or label: tidied and case-folded ("Pupil  data" and
    "pupil Data" are one key)."""
    return tidy(text).casefold()


def listed(words: Iterable[str]) -> str:
    """"A", "A and B", "A, B and C" ("" for none)."""
    words = list(words)
    return " and ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def in_sentence(label: str) -> str:
    """A choice's label inside a sentence: "Another school" becomes "another school";
    "CTF pupil file", "SEN information" and "DfE" keep their capitals."""
    initials = label[:2]
    return label if initials.isalpha() and initials.isupper() else label[:1].lower() + label[1:]
