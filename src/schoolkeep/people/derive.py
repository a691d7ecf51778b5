"""The fields of people and checks that are derived from others, as small pure functions.

The people services (one record at a time) and the import (in bulk, writing the models
directly for speed) must set these the same way, so both call these functions:

- ``Person.name_key``: the full name lower-cased with single spaces (imports match on it);
- ``Person.date_of_birth_hash``: a keyed hash of the ISO date, so that "name with date of
  birth" can be matched although the date itself is encrypted;
- ``Check.dbs_certificate_hash``: a keyed hash of the normalised certificate number, so that
  duplicates can be found although the number is encrypted;
- ``version``: 1 when created, one more at every change.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from schoolkeep.lib.crypto import keyed_hash

DOB_PURPOSE = "person-dob"
DBS_PURPOSE = "dbs-certificate"

_SPACES = re.compile(r"\s+")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def clean_name(full_name: str) -> str:
    """A name as stored: surrounding spaces removed, inner runs of spaces made single."""
    return _SPACES.sub(" ", full_name).strip()


def name_key(full_name: str) -> str:
    """The matching key of a name: lower-cased with single spaces."""
    return clean_name(full_name).lower()


def date_of_birth_hash(date_of_birth: date | str | None) -> str:
    """Keyed hash of a date of birth (ISO form), or empty when there is none.

    A new Person's ``date_of_birth`` is ``""`` until set: that counts as none.
    """
    if not date_of_birth:
        return ""
    iso = date_of_birth if isinstance(date_of_birth, str) else date_of_birth.isoformat()
    return keyed_hash(date.fromisoformat(iso).isoformat(), purpose=DOB_PURPOSE)


def normalise_dbs_number(number: str) -> str:
    """A DBS certificate number as stored and hashed: digits and letters only, upper case."""
    return _NOT_ALPHANUMERIC.sub("", number or "").upper()


def dbs_certificate_hash(number: str) -> str:
    """Keyed hash of a normalised DBS certificate number, or empty when there is none."""
    normalised = normalise_dbs_number(number)
    if not normalised:
        return ""
    return keyed_hash(normalised, purpose=DBS_PURPOSE)


def next_version(version: int | None) -> int:
    """The version a record gets when it changes (a new record starts at 1)."""
    return (version or 0) + 1


def person_derive(person: Any) -> None:
    """Set a Person's derived fields from its current values (call before saving)."""
    person.full_name = clean_name(person.full_name)
    person.name_key = name_key(person.full_name)
    person.date_of_birth_hash = date_of_birth_hash(person.date_of_birth)


def check_derive(check: Any) -> None:
    """Set a Check's derived fields from its current values (call before saving)."""
    check.dbs_certificate_number = normalise_dbs_number(check.dbs_certificate_number)
    check.dbs_certificate_hash = dbs_certificate_hash(check.dbs_certificate_number)
