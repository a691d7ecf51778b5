"""A parent's e-mail that is not an address is quoted back only as a bounded excerpt (issue
12, finding 2): the import checks each row's cells with the same function as the forms."""

from __future__ import annotations

import pytest

from schoolkeep.agreements.parents.services import clean_parent_fields
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.import_bounds import EXCERPT_CHARS


def test_a_long_bad_address_is_quoted_as_an_excerpt() -> None:
    address = "not-an-address " + "x" * 200  # within the 254 a field holds
    with pytest.raises(DomainError) as refused:
        clean_parent_fields(full_name="Ada Parent", email=address)
    message = refused.value.message
    assert refused.value.field == "email"
    assert message.startswith("“not-an-address xxx")
    assert message.endswith("…” is not an e-mail address.")
    assert len(message) < EXCERPT_CHARS + 40


def test_a_short_bad_address_is_quoted_whole() -> None:
    with pytest.raises(DomainError) as refused:
        clean_parent_fields(full_name="Ada Parent", email="Ada at home")
    assert refused.value.message == "“ada at home” is not an e-mail address."


def test_an_address_too_long_for_the_field_is_refused_without_quoting_it() -> None:
    with pytest.raises(DomainError) as refused:
        clean_parent_fields(full_name="Ada Parent", email="a" * 5_000 + "@example.org")
    assert refused.value.message == "The e-mail must be 254 characters or fewer."
