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
  own Python type, skip that call: for those the field would hand the value on unchanged.

``Table.update`` sets some columns of rows found by their primary key, preparing values
the same way.

Ids come back (``returning=True``) through ``RETURNING``, which PostgreSQL and SQLite 3.35
or newer support, in the order of the rows, as ``bulk_create`` relies on too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

# Rows per statement, at most (fewer when the model has many columns: see _batch_size).
MAX_BATCH = 500
# Django's own field classes whose prepared value is the Python value itself, for values of
# the listed types (a subclass, such as an encrypted field, always goes through its field).
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
}
_AUTO = (models.AutoField, models.BigAutoField, models.SmallAutoField)


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
        self._by_name = dict(zip(self.columns, self.fields, strict=True))
        self._plain_of = dict(zip(self.columns, self._plain, strict=True))
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

    def _params(self, row: Mapping[str, Any], now: Any, out: list[Any]) -> None:
        connection = self.connection
        if row.keys() - self._known:
            self.row(row)  # raises, naming the column
        for field, name, plain in zip(self.fields, self.columns, self._plain, strict=True):
            if name in row:
                value = row[name]
            elif name in self._auto_now:
                value = now
            else:
                value = field.get_default()
            if value is None or (plain and type(value) in plain):
                out.append(value)
            else:
                out.append(field.get_db_prep_save(value, connection))

    def _prepared(self, name: str, value: Any) -> Any:
        field = self._by_name[name]
        if value is None or (self._plain_of[name] and type(value) in self._plain_of[name]):
            return value
        return field.get_db_prep_save(value, self.connection)

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

    def insert(self, rows: Sequence[Mapping[str, Any]], *,
               returning: bool = False) -> list[int]:
        """Insert ``rows`` (call inside the caller's transaction). Returns the new primary
        keys in the order of the rows when ``returning``, else an empty list."""
        if not rows:
            return []
        now = timezone.now()
        size = self._batch_size()
        ids: list[int] = []
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                batch = rows[start:start + size]
                params: list[Any] = []
                for row in batch:
                    self._params(row, now, params)
                sql = self._head + ", ".join([self._row_marks] * len(batch))
                if returning:
                    cursor.execute(sql + self._returning, params)
                    ids.extend(pk for (pk,) in cursor.fetchall())
                else:
                    cursor.execute(sql, params)
        return ids
