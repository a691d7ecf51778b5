"""The register import's quick tidying gives exactly what lib.text gives, whatever the text
(it only skips the regular expression when there is nothing to tidy)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from schoolkeep.assets.imports.parsing import folded, tidied
from schoolkeep.lib.text import fold, tidy

# Text rich in the characters that matter: spaces of every kind, tabs, line ends, letters
# whose case folds to more than one letter.
SPACES = " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u3000"
TEXT = st.text(alphabet=st.sampled_from(list(SPACES + "aB ßİΣς-/é")) | st.characters(),
               max_size=30)


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("  Pupil   data ")
@example("Pupil\u00a0data")
@example("Straße")
def test_tidied_and_folded_are_tidy_and_fold(text: str) -> None:
    assert tidied(text) == tidy(text)
    assert folded(text) == fold(text)
