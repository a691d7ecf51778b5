"""Plain batched INSERTs of rows whose values an import has already worked out.

Django's ``bulk_create`` builds a model instance per row and sends every value of every row
through its field and the query compiler; for an import of 10,000 assets with their label
links that cost more than reading, checking and auditing the file together. Here a row is
a mapping of field (``attname``: ``school_id``, not ``school``) to Python value, and
``Table.insert`` writes many of them with one multi-row INSERT per batch.

What still holds, as with ``bulk_create``:
- the columns are every concrete field of the model but an automatic primary key, so a
  field added to the model later is written with its default, never silently left out
  (a name that is not a field is refused);
- a field not given takes its default as the ORM gives it (``get_default``; ``auto_now``
  and ``auto_now_add`` the time of the insert);
- every value reaches the database as its field prepares it (``get_db_prep_save``: the
  encrypted fields encrypt, dates and UUIDs take the backend's form). Only text, integer,
  boolean and foreign key columns of Django's own field classes, given a value of their
  own Python type, skip that call: for those the field would hand the value on unchanged
  (an integer, on PostgreSQL, wrapped in its column's type as the field wraps it); the
  time of the insert and a constant default of Django's own fields are prepared once per
  insert, not once per row. tests/test_bulk_params.py proves it on both databases.

``Table.update`` sets some columns of rows found by their primary key, preparing values
the same way.

Ids come back (``returning=True``) through ``RETURNING``, which PostgreSQL and SQLite 3.35
or newer support, in the order of the rows, as ``bulk_create`` relies on too.
"""

from __future__ import annotations

import operator
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

# Rows per statement, at most (fewer when the model has many columns: see _batch_size).
MAX_BATCH = 500
# Django's own field classes whose prepared value is the Python value itself, or the
# backend's adapter of it (see _adapter), for values of exactly the listed types (a
# subclass, such as an encrypted field, always goes through its field; so does a datetime
# given to a DateField).
_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.EmailField: (str,),
    models.SlugField: (str,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.BooleanField: (bool,),
    models.DateField: (date,),
    models.UUIDField: (uuid.UUID,),
}
_UUID_HEX = operator.attrgetter("hex")
_AUTO = (models.AutoField, models.BigAutoField, models.SmallAutoField)
# A column whose default is called for each row (a new UUID, an empty list).
_PER_ROW = object()


def _django_own(field: models.Field) -> bool:
    """Whether the field is of one of Django's own classes (not a subclass of ours)."""
    return type(field).__module__.startswith("django.")


def _adapter(field: models.Field, connection: Any) -> Any:
    """What the backend still does to a plain value (None: nothing), as the field's own
    preparation would for a value of its plain type. A date goes through
    ``adapt_datefield_value`` (its text on SQLite, as it is on PostgreSQL); a UUID is its
    hex digits where the database has no UUID type (SQLite). A key to an automatic id is
    checked by ``validate_autopk_value`` (the identity but on MySQL); another integer
    passes through ``adapt_integerfield_value``, which Django with psycopg 3 uses to wrap
    it in the column's type (``Int4``, ``Int8``) and SQLite leaves as it is."""
    plain = _plain_types(field)
    ops = connection.ops
    if date in plain:
        return ops.adapt_datefield_value
    if uuid.UUID in plain:
        return None if connection.features.has_native_uuid_field else _UUID_HEX
    if int not in plain:
        return None
    base = BaseDatabaseOperations
    if isinstance(field, models.ForeignKey):
        if type(ops).validate_autopk_value is base.validate_autopk_value:
            return None
        return ops.validate_autopk_value
    if type(ops).adapt_integerfield_value is base.adapt_integerfield_value:
        return None
    internal_type = field.get_internal_type()
    return lambda value: ops.adapt_integerfield_value(value, internal_type)


def _plain_types(field: models.Field) -> tuple[type, ...]:
    """The Python types the field hands on as they are (none: always prepare)."""
    if isinstance(field, models.ForeignKey) and type(field) in (
            models.ForeignKey, models.OneToOneField):
        return (int,) if isinstance(field.target_field, _AUTO) else ()
    return _PLAIN.get(type(field), ())


class Table:
    """One model's table, ready to take rows: ``Table(Person).insert(rows)``."""

    def __init__(self, model: type[models.Model], *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.model = model
        self.connection = connections[using]
        meta = model._meta
        self.fields: list[Any] = [
            field for field in meta.concrete_fields
            if not (field.primary_key and isinstance(field, _AUTO))]
        self.columns = [field.attname for field in self.fields]
        self._known = frozenset(self.columns)
        self._plain = [_plain_types(field) for field in self.fields]
        self._adapt = [_adapter(field, self.connection) for field in self.fields]
        self._by_name = dict(zip(self.columns, self.fields, strict=True))
        self._plain_of = dict(zip(self.columns, self._plain, strict=True))
        self._adapt_of = dict(zip(self.columns, self._adapt, strict=True))
        self._auto_now = {field.attname for field in self.fields
                          if getattr(field, "auto_now", False)
                          or getattr(field, "auto_now_add", False)}
        quote = self.connection.ops.quote_name
        # Only the model's own table and column names go into the text; every value is a
        # parameter.
        names = ", ".join(quote(field.column) for field in self.fields)
        self._head = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "  # noqa: S608  # nosec B608
        assert meta.pk is not None  # every concrete model has one
        self._pk_column = quote(str(meta.pk.column))
        self._returning = f" RETURNING {self._pk_column}"
        self._row_marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self._unnest = self._unnest_head(quote(meta.db_table), names)

    def _unnest_head(self, table: str, names: str) -> str:
        """On PostgreSQL, an INSERT of rows given as one array per column, as Django's own
        ``bulk_create`` writes it there: a short text with a parameter per column. A
        multi-row VALUES has one per value, and psycopg parses such a long text anew at
        every statement (too long for its cache): that took a third of an import's time.
        Empty (VALUES) elsewhere, or for a column that Django would not unnest."""
        if self.connection.vendor != "postgresql":
            return ""
        types = []
        for field in self.fields:
            target = field.target_field if field.is_relation else field
            if hasattr(field, "get_placeholder") or (
                    target.get_internal_type() not in self.connection.data_types):
                return ""
            # Without its parameters (varchar[], not varchar(50)[]): never truncated.
            types.append(str(field.db_type(self.connection)).split("(")[0])
        arrays = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
        return f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays})"  # noqa: S608  # nosec B608

    def row(self, values: Mapping[str, Any], *, now: Any = None) -> dict[str, Any]:
        """Every column's Python value: those given, the others' defaults. Raises ValueError
        for a name that is not a column of the table."""
        unknown = values.keys() - self._known
        if unknown:
            raise ValueError(f"{self.model._meta.label} has no column {sorted(unknown)}")
        full: dict[str, Any] = {}
        for field, name in zip(self.fields, self.columns, strict=True):
            if name in values:
                full[name] = values[name]
            elif name in self._auto_now:
                full[name] = now or timezone.now()
            else:
                full[name] = field.get_default()
        return full

    def values_of(self, instance: models.Model) -> dict[str, Any]:
        """An unsaved instance's row: its values but the ``auto_now`` and ``auto_now_add``
        fields', which take the time of the insert (as ``pre_save`` gives them)."""
        return {name: getattr(instance, name) for name in self.columns
                if name not in self._auto_now}

    def _plan(self, keys: Any, now: Any) -> list[tuple[Any, ...]]:
        """How each column's value is found for rows with these ``keys``, worked out once:
        (name, plain types, field, adapter) for a value the row gives; (None, (), field,
        value or _PER_ROW) for one prepared per row (a callable default's, or any
        value of a field of our own: an encrypted field encrypts each anew); (None, None,
        None, prepared) for one prepared once, the time of the insert or a constant default
        of Django's own fields, which prepare a value the same way each time."""
        if keys - self._known:
            self.row(dict.fromkeys(keys))  # raises, naming the column
        connection = self.connection
        steps: list[tuple[Any, ...]] = []
        for field, name, plain, adapt in zip(self.fields, self.columns, self._plain,
                                             self._adapt, strict=True):
            if name in keys:
                # None passes as it is for Django's own fields, through the field for ours
                # (an encrypted field stores it as its empty text, as the ORM would).
                passes = (*plain, type(None)) if _django_own(field) else plain
                steps.append((name, passes, field, adapt))
                continue
            if name in self._auto_now:
                value = now
            elif field.has_default() and callable(field.default):
                steps.append((None, (), field, _PER_ROW))
                continue
            else:
                value = field.get_default()
            if not _django_own(field):
                steps.append((None, (), field, value))
            else:
                steps.append((None, None, None, value if value is None
                              else field.get_db_prep_save(value, connection)))
        return steps

    def _params(self, rows: Sequence[Mapping[str, Any]], now: Any) -> list[Any]:
        """The parameters of ``rows``, row after row, each value as its field prepares it."""
        connection = self.connection
        out: list[Any] = []
        append = out.append
        keys: Any = None
        plan: list[tuple[Any, ...]] = []
        for row in rows:
            if row.keys() != keys:  # the rows of one import almost always share their keys
                keys = row.keys()
                plan = self._plan(keys, now)
            for name, plain, field, fixed in plan:
                if name is not None:  # fixed: the column's adapter of plain values
                    value = row[name]
                    if type(value) in plain:
                        append(value if fixed is None or value is None else fixed(value))
                    else:
                        append(field.get_db_prep_save(value, connection))
                elif field is None:
                    append(fixed)
                else:
                    value = field.get_default() if fixed is _PER_ROW else fixed
                    append(None if value is None and _django_own(field)
                           else field.get_db_prep_save(value, connection))
        return out

    def _prepared(self, name: str, value: Any) -> Any:
        if value is None and _django_own(self._by_name[name]):
            return None
        if type(value) in self._plain_of[name]:
            adapt = self._adapt_of[name]
            return value if adapt is None else adapt(value)
        return self._by_name[name].get_db_prep_save(value, self.connection)

    def update(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
        """Set ``columns`` of each row found by its primary key (``row["pk"]``), one UPDATE
        run over every row (``bulk_update`` writes a CASE per row and column instead)."""
        if not rows:
            return
        unknown = set(columns) - self._known
        if unknown or not columns:
            raise ValueError(f"{self.model._meta.label} has no column {sorted(unknown)}")
        quote = self.connection.ops.quote_name
        meta = self.model._meta
        sets = ", ".join(f"{quote(self._by_name[name].column)} = %s" for name in columns)
        sql = (f"UPDATE {quote(meta.db_table)} SET {sets} "  # noqa: S608  # nosec B608
               f"WHERE {self._pk_column} = %s")
        params = [[*(self._prepared(name, row[name]) for name in columns), row["pk"]]
                  for row in rows]
        with self.connection.cursor() as cursor:
            for start in range(0, len(params), MAX_BATCH):
                cursor.executemany(sql, params[start:start + MAX_BATCH])

    def update_instances(self, instances: Sequence[models.Model],
                         columns: Sequence[str]) -> None:
        """``update`` with each instance's values of ``columns`` (attnames)."""
        self.update([{"pk": instance.pk, **{name: getattr(instance, name) for name in columns}}
                     for instance in instances], columns)

    def _batch_size(self) -> int:
        limit = 65_535  # PostgreSQL's bound on a statement's parameters
        if self.connection.vendor == "sqlite":
            self.connection.ensure_connection()
            limit = self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(1, min(MAX_BATCH, limit // len(self.fields)))

    def insert(self, rows: Sequence[Mapping[str, Any]], *, returning: bool = False,
               now: Any = None) -> list[int]:
        """Insert ``rows`` (call inside the caller's transaction). Returns the new primary
        keys in the order of the rows when ``returning``, else an empty list. ``now``: the
        time the ``auto_now`` fields take (default: the time of the call)."""
        if not rows:
            return []
        now = now or timezone.now()
        size = self._batch_size()
        ids: list[int] = []
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                batch = rows[start:start + size]
                params = self._params(batch, now)
                if self._unnest and len(batch) > 1:
                    width = len(self.fields)
                    params = [params[column::width] for column in range(width)]
                    sql = self._unnest
                else:
                    sql = self._head + ", ".join([self._row_marks] * len(batch))
                if returning:
                    cursor.execute(sql + self._returning, params)
                    ids.extend(pk for (pk,) in cursor.fetchall())
                else:
                    cursor.execute(sql, params)
        return ids
