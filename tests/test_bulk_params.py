"""lib.bulk prepares each value of a row as its field would, on whichever database the suite
runs on (run it on SQLite and on PostgreSQL):

- the field classes whose preparation it skips give what their preparation gives (the
  value itself; on PostgreSQL an integer wrapped in its column's type, as Django does; a
  date as the backend adapts it, a UUID as its hex digits where there is no UUID type);
- the parameters of any rows are those that preparing every value in turn gives (the
  reference here: every value through ``get_db_prep_save``), encrypted values
  and new UUIDs included (their randomness made repeatable for the comparison).
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection, models
from hypothesis import event, given, settings
from hypothesis import strategies as st

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.assets.models import Asset
from schoolkeep.lib import bulk
from schoolkeep.people.models import Check, Person

MODELS = [Person, Check, Asset, Parent, Asset.access_labels.through]
NOW = datetime(2026, 12, 6, 11, 30, 15, 123456, tzinfo=UTC)

SAMPLES: dict[type, list[Any]] = {
    str: ["", "Ada Lovelace", "é" * 300, " spaced ", "0"],
    int: [0, 1, -7, 2**40, 10**12],
    bool: [True, False],
    date: [date(2024, 2, 29), date(1, 1, 1), date(9999, 12, 31)],
    uuid.UUID: [uuid.UUID(int=0), uuid.UUID(int=5),
                uuid.UUID("0193a4b2-7c1d-7e3f-8a9b-0c1d2e3f4a5b")],
}


def test_the_fields_whose_preparation_is_skipped_give_what_their_preparation_gives() -> None:
    unbound = [field_class() for field_class in bulk._PLAIN]
    bound = [field for model in MODELS for field in bulk.Table(model).fields]
    checked = 0
    for field in unbound + bound:
        adapt = bulk._adapter(field, connection)
        for kind in bulk._plain_types(field):
            for value in SAMPLES[kind]:
                prepared = field.get_db_prep_save(value, connection)
                fast = value if adapt is None else adapt(value)
                assert type(fast) is type(prepared) and fast == prepared, (field, value)
                if kind in (str, bool) or (kind is int and connection.vendor == "sqlite"):
                    assert fast is value  # passed on as it is
                checked += 1
    assert checked > 100  # every class of _PLAIN, and the foreign keys, were looked at


def test_encrypted_values_and_times_always_go_through_their_field() -> None:
    table = bulk.Table(Person)
    plain = dict(zip(table.columns, table._plain, strict=True))
    assert plain["date_of_birth"] == () and plain["created_at"] == ()
    assert plain["start_date"] == (date,) and plain["public_id"] == (uuid.UUID,)
    assert plain["full_name"] == (str,) and plain["school_id"] == (int,)


def reference_params(table: bulk.Table, row: Mapping[str, Any], now: Any,
                     out: list[Any]) -> None:
    """One row's parameters with every value through its field (None as it is for Django's
    own fields, which hand it on), as the ORM prepares them."""
    if row.keys() - table._known:
        table.row(row)
    for field, name in zip(table.fields, table.columns, strict=True):
        if name in row:
            value = row[name]
        elif name in table._auto_now:
            value = now
        else:
            value = field.get_default()
        own = type(field).__module__.startswith("django.")
        out.append(None if value is None and own
                   else field.get_db_prep_save(value, connection))


@contextmanager
def repeatable_randomness() -> Iterator[None]:
    """os.urandom (new UUIDs, encryption's IVs) and the encryption's clock made repeatable,
    so that two runs encrypting the same values in the same order give the same text."""
    counter = itertools.count()

    def urandom(size: int) -> bytes:
        return hashlib.sha512(str(next(counter)).encode()).digest()[:size]

    with mock.patch("os.urandom", urandom), \
            mock.patch("cryptography.fernet.time.time", lambda: 1_765_000_000.0):
        yield


def _comparable(value: Any) -> Any:
    # psycopg's JSON wrappers do not compare by their content.
    if type(value).__name__ in ("Jsonb", "Json"):
        return (type(value).__name__, value.obj)
    return (type(value), value)


def _outcome(work: Any) -> Any:
    with repeatable_randomness():
        try:
            return [_comparable(value) for value in work()]
        except Exception as exc:  # the same refusal, whichever it is
            return ("refused", type(exc), str(exc))


def _both(table: bulk.Table, rows: list[dict[str, Any]]) -> tuple[Any, Any]:
    def reference() -> list[Any]:
        out: list[Any] = []
        for row in rows:
            reference_params(table, row, NOW, out)
        return out

    return _outcome(lambda: table._params(rows, NOW)), _outcome(reference)


# Values of every kind a row may give a column, right or wrong for it.
VALUES = st.sampled_from([
    None, "", "Ada", "2024-01-02", "x" * 120, 0, 7, True, False, 2.5, date(2024, 1, 2),
    datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), uuid.UUID(int=5), ["a"], {"k": 1},
])


@st.composite
def rows_of(draw: Any) -> tuple[bulk.Table, list[dict[str, Any]]]:
    table = bulk.Table(draw(st.sampled_from(MODELS)))
    shapes = draw(st.lists(st.sets(st.sampled_from(table.columns)), min_size=1, max_size=3))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        given_columns = sorted(draw(st.sampled_from(shapes)))
        rows.append({name: draw(VALUES) for name in given_columns})
    if draw(st.booleans()):
        rows.append({"not_a_column": 1})
    return table, rows


# Wrong-typed values on purpose: a date given to a DateTimeField makes Django warn of a naive
# datetime, for the ORM's preparation and ours alike.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(rows_of())
def test_any_rows_give_the_parameters_that_preparing_each_value_gave(
        case: tuple[bulk.Table, list[dict[str, Any]]]) -> None:
    table, rows = case
    new, reference = _both(table, rows)
    event("refused" if new[0] == "refused" else "prepared")
    assert new == reference


def test_rows_as_the_imports_give_them_give_the_same_parameters() -> None:
    person = Person(school_id=3, full_name="Ada Lovelace", name_key="ada lovelace",
                    date_of_birth=date(1985, 12, 10), kind="teaching", version=1,
                    start_date=date(2020, 9, 1), does_teaching_work=True)
    check = Check(school_id=3, person_id=9, check_type="enhanced_dbs", status="done",
                  done_on=date(2024, 3, 1), dbs_certificate_number="001234567890",
                  dbs_issued_on=date(2024, 2, 20), dbs_with_barred_list=True, version=1)
    parent = Parent(school_id=3, full_name="Cat Jones", name_key="cat jones", version=1)
    for instance in (person, check, parent):
        table = bulk.Table(type(instance))
        full = table.values_of(instance)
        rows = [full, dict(full), {"school_id": 3, "version": 2}]
        new, reference = _both(table, rows)
        assert new == reference and new[0] != "refused"
    assets = bulk.Table(Asset)
    rows = [{"school_id": 3, "group_id": 4, "name": f"Asset {n}", "name_key": f"asset {n}",
             "purpose": "Payroll", "last_reviewed_on": None, "data_subjects": ["staff"]}
            for n in range(5)]
    new, reference = _both(assets, rows)
    assert new == reference and len(new) == 5 * len(assets.columns)


def test_the_time_of_the_insert_is_prepared_as_the_field_prepares_it() -> None:
    table = bulk.Table(Parent)
    params = table._params([{"school_id": 1, "full_name": "A", "name_key": "a"}], NOW)
    row = dict(zip(table.columns, params, strict=True))
    field: models.Field = Parent._meta.get_field("created_at")
    assert row["created_at"] == row["updated_at"] == field.get_db_prep_save(NOW, connection)
