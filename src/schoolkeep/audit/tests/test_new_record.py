"""NewRecordChanges writes exactly the text that serialising a new record's diff() gives
(``canonical_json(diff(None, after, ...))``, a blank secret given as None), for awkward
values and for the people import's own field lists; ``test_bulk_property`` checks the same
text through a whole chain."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.audit.hashing import canonical_json
from schoolkeep.audit.services import NewRecordChanges, diff
from schoolkeep.people.models import CheckType
from schoolkeep.people.services import (
    CHECK_SECRET_FIELDS,
    PERSON_FIELDS,
    PERSON_SECRET_FIELDS,
    check_fields_for,
)

texts = st.text(max_size=10) | st.sampled_from(["", "a\x00b", "\ud800x", "Zoë £5", '"\\\n'])
scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | texts
           | st.floats(allow_nan=False) | st.dates()
           | st.datetimes(timezones=st.just(UTC)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.frozensets(st.integers(0, 9), max_size=3)
                      | st.dictionaries(texts, inner, max_size=2), max_leaves=6)
NAMES = ["a", "b", "é", "B", "sites", "date_of_birth", "a b", "z\x00", "_", "10", "9"]


def reference(after: dict[str, Any], secrets: set[str]) -> str:
    blanked = {name: (value or None) if name in secrets else value
               for name, value in after.items()}
    return canonical_json(diff(None, blanked, secret_fields=secrets))


@settings(max_examples=400, deadline=None)
@given(after=st.dictionaries(st.sampled_from(NAMES), values, max_size=8),
       secrets=st.sets(st.sampled_from(NAMES)))
def test_the_text_is_that_of_the_serialised_diff(after: dict[str, Any],
                                                 secrets: set[str]) -> None:
    new = NewRecordChanges(after, secret_fields=secrets).text(after)
    assert new == reference(after, secrets)


def test_the_people_imports_records_give_the_serialised_diff() -> None:
    person = {name: None for name in PERSON_FIELDS} | {
        "full_name": "Zoë O'Neill", "preferred_name": "", "date_of_birth": date(1985, 2, 3),
        "kind": "teaching", "does_teaching_work": True, "is_management_post": False,
        "start_date": date(2020, 9, 1), "email": "", "sites": ["Annexe", "Main site"]}
    fields = [*PERSON_FIELDS, "sites"]
    text = NewRecordChanges(fields, secret_fields=PERSON_SECRET_FIELDS).text(person)
    assert text == reference(person, set(PERSON_SECRET_FIELDS))
    assert '"date_of_birth":{"after":"changed","before":"changed"}' in text
    for check_type in CheckType.values:
        fields = check_fields_for(check_type)
        for filled in (True, False):
            check = {name: None for name in fields} | {"status": "done"}
            if filled:
                check |= {"done_on": date(2024, 3, 1), "checked_by": "HR office",
                          "evidence": "Passport", "notes": ""}
                if "dbs_certificate_number" in fields:
                    check |= {"dbs_certificate_number": "001234567890",
                              "dbs_with_barred_list": True}
            text = NewRecordChanges(fields, secret_fields=CHECK_SECRET_FIELDS).text(check)
            assert text == reference(check, set(CHECK_SECRET_FIELDS)), check_type


def test_a_datetime_is_not_taken_for_a_date() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert NewRecordChanges(["at"]).text({"at": moment}) == (
        '{"at":{"after":"2024-01-02T03:04:05+00:00","before":null}}')
