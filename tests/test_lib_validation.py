"""lib.validation.clean_text: the free-text checker the services share."""

import pytest

from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.validation import clean_text


def test_clean_text_trims_and_treats_none_as_empty():
    assert clean_text("  a note \n", field="note", label="a note", limit=10) == "a note"
    assert clean_text(None, field="note", label="a note", limit=10) == ""


def test_clean_text_required_and_empty_names_the_field():
    with pytest.raises(DomainError) as caught:
        clean_text("   ", field="reason", label="the reason", limit=10, required=True)
    assert str(caught.value) == "Enter the reason."
    assert caught.value.field == "reason"


def test_clean_text_too_long_names_the_limit_with_a_capital():
    assert clean_text("x" * 1500, field="note", label="a note", limit=1500) == "x" * 1500
    with pytest.raises(DomainError) as caught:
        clean_text("x" * 1501, field="note", label="a note", limit=1500)
    assert str(caught.value) == "A note must be 1,500 characters or fewer."
    assert caught.value.field == "note"
