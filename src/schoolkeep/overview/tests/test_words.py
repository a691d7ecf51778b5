"""Lists said as a sentence on the overview pages (``overview_words``)."""

from __future__ import annotations

from schoolkeep.overview.templatetags.overview_words import left_out, listed, mid_sentence


def test_listed_joins_with_commas_and_a_final_and() -> None:
    assert listed([]) == ""
    assert listed(["A"]) == "A"
    assert listed(["A", "B"]) == "A and B"
    assert listed(["A", "B", "C"]) == "A, B and C"


def test_mid_sentence_lowers_the_first_letter_but_keeps_proper_nouns_and_acronyms() -> None:
    assert mid_sentence(["Backups", "People and the Single Central Record", "ICO decisions",
                         "A"]) == ["backups", "people and the Single Central Record",
                                   "ICO decisions", "A"]


def test_left_out_says_once_what_every_school_leaves_out_and_where_the_rest_is_left_out() -> None:
    notes = [
        {"label": "Backups", "schools": ["Ash", "Brook"], "everywhere": True},
        {"label": "Incidents and data breaches", "schools": ["Ash", "Brook"],
         "everywhere": True},
        {"label": "Members and school calendar", "schools": ["Brook"], "everywhere": False},
        {"label": "Information assets and systems", "schools": ["Brook"], "everywhere": False},
    ]
    assert left_out(notes) == ("backups and incidents and data breaches; members and school"
                               " calendar and information assets and systems at Brook")
    assert left_out(notes[:1]) == "backups"
