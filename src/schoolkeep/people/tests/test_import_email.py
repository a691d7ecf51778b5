"""The import's e-mail check gives Django's EmailValidator's verdict on every address."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.people.imports.reading import _email_validator

AWKWARD = [
    "a@school.example", "a.b+c@school.example", "a..b@school.example", ".a@school.example",
    "a@localhost", "a@-school.example", "a@school-.example", "a@school", "a@school.e",
    "a@[192.0.2.1]", "a@[::1]", "a@[300.0.0.1]", '"a b"@school.example', "a b@school.example",
    "a@b@school.example", "@school.example", "a@", "", "a" * 310 + "@school.example",
    "zoë@school.example", "a@scho_ol.example", "a@xn--zo-fka.example", "a@école.example",
    "a@school.example.", "a@" + "b" * 64 + ".example",
]


def django_accepts(address: str) -> bool:
    try:
        EmailValidator()(address)
    except ValidationError:
        return False
    return True


def ours_accepts(address: str) -> bool:
    try:
        _email_validator(address)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("address", AWKWARD)
def test_an_awkward_address_gets_djangos_verdict(address: str) -> None:
    # Twice: the second time the domain's verdict is the remembered one.
    assert ours_accepts(address) == django_accepts(address) == ours_accepts(address)


parts = st.text(alphabet=st.sampled_from("ab.-_+[]:1@é\" "), max_size=12)


@settings(max_examples=300, deadline=None)
@given(user=parts, domain=parts | st.sampled_from(["school.example", "localhost", "[::1]"]))
def test_any_address_gets_djangos_verdict(user: str, domain: str) -> None:
    address = f"{user}@{domain}"
    assert ours_accepts(address) == django_accepts(address)
