"""Cleaning a value given to a service (from a form, the API or an import) into the type its
field holds, with the error a person can act on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from schoolkeep.lib.errors import DomainError


def as_date(name: str, value: Any) -> date | None:
    """A date given as a date, an ISO string or nothing (None or ""); a DomainError on field
    ``name`` for a date with a time or a string that is not a real date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise DomainError("Enter a date without a time.", field=name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("Enter a real date, such as 2027-03-03.", field=name) from None
