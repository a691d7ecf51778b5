"""lib.references: receipt codes, their keyed hashes and the per-school-per-year counter
that incidents (BR-) and requests (RQ-) number their records with."""

from __future__ import annotations

import re

import pytest

from schoolkeep.incidents.models import ReferenceCounter as IncidentCounter
from schoolkeep.inforequests.models import ReferenceCounter as RequestCounter
from schoolkeep.lib.references import RECEIPT_ALPHABET, next_number, receipt_code, receipt_hash
from tests.personas import Personas


def test_receipt_codes_are_three_groups_of_four_without_look_alikes() -> None:
    codes = {receipt_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(rf"[{RECEIPT_ALPHABET}]{{4}}(-[{RECEIPT_ALPHABET}]{{4}}){{2}}", code)
    assert not set("01OIL") & set(RECEIPT_ALPHABET)


def test_receipt_hash_ignores_case_and_spaces_and_depends_on_its_purpose() -> None:
    code = "K7QM-2XRP-9DFA"
    hashed = receipt_hash(code, purpose="incident-receipt")
    assert receipt_hash(" k7qm-2xrp-9dfa ", purpose="incident-receipt") == hashed
    assert receipt_hash(code, purpose="request-receipt") != hashed
    assert code not in hashed


@pytest.mark.django_db
def test_next_number_counts_per_school_year_and_counter(personas: Personas) -> None:
    school, other = personas.school, personas.other_school
    assert [next_number(RequestCounter, school=school, year=2026) for _ in range(3)] == [1, 2, 3]
    assert next_number(RequestCounter, school=school, year=2027) == 1
    assert next_number(RequestCounter, school=other, year=2026) == 1
    assert next_number(IncidentCounter, school=school, year=2026) == 1
    assert RequestCounter.objects.get(school=school, year=2026).last == 3
