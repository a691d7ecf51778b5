"""lib.text's tidy and fold (with their quick path for text that is tidy already) give
exactly what the plain regular expression gives, whatever the text."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from schoolkeep.lib.text import fold, tidy

# Text rich in the characters that matter: spaces of every kind, tabs, line ends, letters
# whose case folds to more than one letter.
SPACES = " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u3000"
TEXT = st.text(alphabet=st.sampled_from(list(SPACES + "aB ßİΣς-/é")) | st.characters(),
               max_size=30)


def plain_tidy(text: str) -> str:
    """tidy as it was before its quick path."""
    return re.sub(r"\s+", " ", text or "").strip()


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("  Pupil   data ")
@example("Pupil\u00a0data")
@example("Straße")
@example("")
@example(" ")
def test_tidy_and_fold_are_the_plain_regular_expression(text: str) -> None:
    assert tidy(text) == plain_tidy(text)
    assert fold(text) == plain_tidy(text).casefold()
