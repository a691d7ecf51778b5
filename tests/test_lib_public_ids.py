"""uuid_text writes a public id as str(uuid) does, from each form a database hands back."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from schoolkeep.lib.public_ids import uuid_text


@given(st.uuids())
def test_each_stored_form_reads_as_str_uuid(value: uuid.UUID) -> None:
    # PostgreSQL: a UUID, or uuid::text; SQLite: 32 hex digits.
    for stored in (value, str(value), value.hex):
        assert uuid_text(stored) == str(value)
