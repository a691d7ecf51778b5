"""What is recorded for the people of one chunk of an import, as plain values.

The import compares each row with these rather than with model instances: building a
Person with its checks and sites through the ORM cost more than the rest of a re-import.
Encrypted values are never decrypted here: a date of birth and a DBS certificate number
are compared through the keyed hashes stored beside them (equal hashes, equal values).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def stored_people(pks: Iterable[int]) -> dict[int, StoredPerson]:
    """The recorded values of these people, with their checks and sites (three queries)."""
    ids = list(pks)
    if not ids:
        return {}
    people: dict[int, StoredPerson] = {}
    for values in Person.objects.filter(pk__in=ids).values_list(*_PERSON_READ):
        person = StoredPerson(zip(_PERSON_READ, values, strict=True))
        person.sites, person.checks = [], {}
        people[person["pk"]] = person
    for values in Check.objects.filter(person_id__in=ids).values_list(*_CHECK_READ):
        check = dict(zip(_CHECK_READ, values, strict=True))
        people[check["person_id"]].checks[check["check_type"]] = check
    links = Person.sites.through.objects.filter(person_id__in=ids).order_by("site_id")
    for person_id, site_id in links.values_list("person_id", "site_id"):
        people[person_id].sites.append(site_id)
    return people
