"""The erasure providers: every app that holds a person's data erases its own.

An app registers one provider per kind of record it keeps past a period (``due``/``erase``)
and for the data it holds about a person (``erase_person_data``), from its ``apps.py``
``ready()`` or its registration module. The runner (``privacy.erasure.runner``) asks each
provider what is due, what must wait, then erases in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class DueItem:
    """One record past its period. ``description`` never names anyone: it says what kind of
    record it is and the event its period ran from."""

    provider: str  # the provider's name
    record_type_key: str  # privacy.schedule.keys.OWN_*
    model_label: str  # "people.person", "agreements.signinglink", ...
    pk: int
    ends_on: date  # when its period ended
    description: str  # "A leaver who left on 31 August 2019"


@runtime_checkable
class ErasureProvider(Protocol):
    name: str  # "people", "agreements.signing", ...
    # Model labels with a link to a person (or holding a person's data) whose data this
    # provider erases; a test fails on any such model no provider covers.
    covers: frozenset[str]

    def due(self, school: Any, *, today: date, limit: int) -> list[DueItem]:
        """Its own records past their period, oldest first (may be [])."""
        ...

    def holds(self, school: Any, items: list[DueItem]) -> dict[int, str]:
        """pk -> the plain reason an item must wait; {} when none."""
        ...

    def erase(self, school: Any, items: list[DueItem], *, now: datetime) -> int:
        """Erase these in bulk, tombstone them, forget their audit keys; rows affected."""
        ...

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        """A person (people.Person) is being erased: erase what this provider holds about
        them (rows, files, copies); 0 when none."""
        ...


_providers: dict[str, ErasureProvider] = {}
_run_date: ContextVar[date | None] = ContextVar("erasure_run_date", default=None)


@contextmanager
def run_date_set(today: date) -> Iterator[None]:
    """The run's date for ``holds`` (a hold until a day ends on the run's day, not the
    machine's)."""
    token = _run_date.set(today)
    try:
        yield
    finally:
        _run_date.reset(token)


def run_date() -> date:
    """The date of the erasure run in progress, else today."""
    from django.utils import timezone

    return _run_date.get() or timezone.localdate()


def register_provider(provider: ErasureProvider) -> None:
    """Register (or replace, by name: ``ready()`` may run twice in tests) a provider."""
    if not provider.name:
        raise ValueError("An erasure provider needs a name.")
    _providers[provider.name] = provider


def providers() -> list[ErasureProvider]:
    """Every registered provider, in the order they were first registered."""
    return list(_providers.values())


def provider(name: str) -> ErasureProvider | None:
    return _providers.get(name)


def covered_models() -> frozenset[str]:
    """Every model label some provider covers."""
    labels: set[str] = set()
    for p in _providers.values():
        labels |= p.covers
    return frozenset(labels)
