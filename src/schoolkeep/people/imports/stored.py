"""What is recorded for the people of one chunk of an import, as plain values.

The import compares each row with these rather than with model instances: building a
Person with its checks and sites through the ORM cost more than the rest of a re-import.
Encrypted values are never decrypted here: a date of birth and a DBS certificate number
are compared through the keyed hashes stored beside them (equal hashes, equal values).

The rows are read with a plain SELECT, and only the three kinds of column that a database
may hand back in another form are converted (dates, booleans and the public id: SQLite
gives text, 0/1 and hex): the ORM's converters, applied to every value of every row, cost
as much as the rest of comparing an unchanged file. The public id is kept as its text, the
form an audit event names its record by, not as a UUID.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection, models

from schoolkeep.lib.public_ids import uuid_text
from schoolkeep.people.models import Check, Person
from schoolkeep.people.services import CHECK_COMMON_FIELDS, CHECK_TYPE_FIELDS, PERSON_FIELDS

# Stored under their hash only (see the module's docstring).
ENCRYPTED = {"date_of_birth": "date_of_birth_hash",
             "dbs_certificate_number": "dbs_certificate_hash"}
# Every field a check of any type may have, in a fixed order.
CHECK_FIELDS = list(dict.fromkeys(
    [*CHECK_COMMON_FIELDS, *(name for names in CHECK_TYPE_FIELDS.values() for name in names)]))

_PERSON_READ = ["pk", "public_id", "version", "name_key", "date_of_birth_hash",
                *(name for name in PERSON_FIELDS if name not in ENCRYPTED)]
_CHECK_READ = ["pk", "public_id", "person_id", "check_type", "version", "dbs_certificate_hash",
               *(name for name in CHECK_FIELDS if name not in ENCRYPTED)]


class StoredPerson(dict[str, Any]):
    """A recorded person's values (``_PERSON_READ``), with ``sites`` (their ids, sorted)
    and ``checks`` (each a dict of ``_CHECK_READ``, by check type) set by ``stored_people``."""

    sites: list[int]
    checks: dict[str, dict[str, Any]]


def _date(value: Any) -> date | None:
    return value if value is None or type(value) is date else date.fromisoformat(value)


def _bool(value: Any) -> bool | None:
    return value if value is None else bool(value)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a column's value as the database gives it becomes the field's Python value
    (None: as it is: text and whole numbers). A field that converts what it reads (an
    encrypted one reports itself as text) is refused: it is read by its hash (``ENCRYPTED``)."""
    if hasattr(field, "from_db_value"):
        raise TypeError(f"{field} converts what it reads: compare it by its hash")
    kind = field.get_internal_type()
    if kind == "DateField":
        return _date
    if kind in ("BooleanField", "NullBooleanField"):
        return _bool
    if kind == "UUIDField":
        return uuid_text
    if kind in ("CharField", "TextField", "EmailField", "PositiveIntegerField", "ForeignKey",
                "AutoField", "BigAutoField", "IntegerField"):
        return None
    raise TypeError(f"No conversion known for {field} ({kind})")  # a field added later


def _column(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model._meta.label}.{name} is not a column of its table")
    return field


class _Select:
    """``SELECT names FROM model WHERE key IN (...)``, each row as a dict of Python values."""

    def __init__(self, model: type[models.Model], names: Sequence[str], key: str) -> None:
        meta = model._meta
        fields = [_column(model, "id" if name == "pk" else name) for name in names]
        quote = connection.ops.quote_name
        where = quote(str(_column(model, key).column))
        # Only the model's own table and column names go into the text; ids are parameters.
        self.sql = (f"SELECT {', '.join(quote(str(f.column)) for f in fields)} "  # noqa: S608  # nosec B608
                    f"FROM {quote(meta.db_table)} WHERE {where} IN ")
        self.names = list(names)
        self.converters = [(position, convert) for position, field in enumerate(fields)
                           if (convert := _converter(field)) is not None]

    def rows(self, ids: list[int]) -> Iterable[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql + "(" + ", ".join(["%s"] * len(ids)) + ")", ids)
            fetched = cursor.fetchall()
        names, converters = self.names, self.converters
        for values in fetched:
            row = list(values)
            for position, convert in converters:
                row[position] = convert(row[position])
            yield dict(zip(names, row, strict=True))


_PEOPLE = _Select(Person, _PERSON_READ, "id")
_CHECKS = _Select(Check, _CHECK_READ, "person")


def stored_people(pks: Iterable[int]) -> dict[int, StoredPerson]:
    """The recorded values of these people, with their checks and sites (three queries;
    at most a chunk of an import's ids: one statement takes them)."""
    ids = list(pks)
    if not ids:
        return {}
    people: dict[int, StoredPerson] = {}
    for values in _PEOPLE.rows(ids):
        person = StoredPerson(values)
        person.sites, person.checks = [], {}
        people[person["pk"]] = person
    for check in _CHECKS.rows(ids):
        people[check["person_id"]].checks[check["check_type"]] = check
    links = Person.sites.through.objects.filter(person_id__in=ids).order_by("site_id")
    for person_id, site_id in links.values_list("person_id", "site_id"):
        people[person_id].sites.append(site_id)
    return people
