"""Reads of the forced changes: who a forced change asks, and who has changed since.

A compromise asks every current holder of the system's password cycles (the cycles'
selectors decide who they are); a leaver's shared account asks its responsible person and
its other users, never the leaver. "Changed since" means a change recorded for a day on or
after the day the forced change was raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone

from schoolkeep.passwords.models import ForcedChange, PasswordChange
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School


def _holder_ids(system: System) -> set[int]:
    from schoolkeep.passwords.selectors import holder_ids_of_system

    return set(holder_ids_of_system(system=system, today=timezone.localdate()))


def system_holders(*, school: School, system: System) -> list[Person]:
    """The current holders of the system's cycles, in name order."""
    ids = _holder_ids(system)
    return list(Person.objects.filter(school=school, pk__in=ids).order_by("name_key", "pk"))


def _asked_ids(forced: ForcedChange) -> set[int]:
    if forced.reason == ForcedChange.Reason.COMPROMISE:
        return _holder_ids(forced.system)
    account = forced.account
    if account is None:
        return set()
    ids = set(account.shared_with.values_list("pk", flat=True))
    if account.responsible_person_id is not None:
        ids.add(account.responsible_person_id)
    ids.discard(forced.leaver_id)
    return ids


def may_answer(*, forced: ForcedChange, person: Person) -> bool:
    """Whether ``person`` is among those the forced change asks."""
    return person.pk in _asked_ids(forced)


@dataclass(frozen=True)
class Asked:
    person: Person
    changed_on: date | None  # their latest change on or after the day it was raised


@dataclass(frozen=True)
class ForcedState:
    forced: ForcedChange
    asked: list[Asked]

    @property
    def changed(self) -> list[Asked]:
        return [row for row in self.asked if row.changed_on is not None]

    @property
    def waiting(self) -> list[Asked]:
        return [row for row in self.asked if row.changed_on is None]

    @property
    def raised_on(self) -> date:
        return timezone.localdate(self.forced.raised_at)


def forced_change_state(forced: ForcedChange) -> ForcedState:
    """Everyone the forced change asks, each with their change since (if any): those who
    have not changed first, then by name. A fixed number of queries."""
    ids = _asked_ids(forced)
    raised_on = timezone.localdate(forced.raised_at)
    latest = dict(
        PasswordChange.objects.filter(school_id=forced.school_id, system_id=forced.system_id,
                                      person_id__in=ids, changed_on__gte=raised_on)
        .values("person_id").annotate(last=Max("changed_on")).values_list("person_id", "last"))
    people = Person.objects.filter(school_id=forced.school_id, pk__in=ids)
    rows = [Asked(person, latest.get(person.pk)) for person in people]
    rows.sort(key=lambda row: (row.changed_on is not None, row.person.name_key, row.person.pk))
    return ForcedState(forced=forced, asked=rows)


def open_compromise(*, school: School, system: System) -> ForcedChange | None:
    """The system's open request to change after a possible compromise, if any."""
    return (ForcedChange.objects.filter(school=school, system=system, settled_at__isnull=True,
                                        reason=ForcedChange.Reason.COMPROMISE)
            .order_by("raised_at", "pk").first())
