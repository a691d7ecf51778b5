"""Reads of the forced changes: who a forced change asks, and who has changed since.

A compromise asks every current holder of the system's password cycles (the cycles'
selectors decide who they are); a leaver's shared account asks its responsible person and
its other users, never the leaver. Which change answers a forced change is decided in one
place, ``answers`` (with ``answered_from``, the first day that counts): for a compromise, a
change on or after the day it was raised; for a leaver, a change on or after their leaving
date (``due_on``), since until then the leaver still knows whatever password is set.
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
    """Whether ``person`` is among those the forced change asks (never a leaver for their
    own leaver change)."""
    if forced.reason == ForcedChange.Reason.LEAVER and forced.leaver_id == person.pk:
        return False
    return person.pk in _asked_ids(forced)


def answered_from(forced: ForcedChange) -> date:
    """The first day on which a recorded change answers ``forced``: the leaving date for a
    leaver's shared account (a change made while the leaver is still here is one they may
    learn), otherwise the day it was raised."""
    if forced.reason == ForcedChange.Reason.LEAVER:
        return forced.due_on
    return timezone.localdate(forced.raised_at)


def answers(forced: ForcedChange, changed_on: date) -> bool:
    """Whether a change made on ``changed_on`` answers ``forced``. The one rule that every
    place deciding "changed since" uses (the page, the settling of forced changes)."""
    return changed_on >= answered_from(forced)


@dataclass(frozen=True)
class Asked:
    person: Person
    changed_on: date | None  # their latest change that answers it (see ``answers``)


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

    @property
    def answered_from(self) -> date:
        return answered_from(self.forced)


def forced_change_state(forced: ForcedChange) -> ForcedState:
    """Everyone the forced change asks, each with their latest change that answers it (if
    any): those who have not changed first, then by name. A fixed number of queries."""
    ids = _asked_ids(forced)
    latest = dict(
        PasswordChange.objects.filter(school_id=forced.school_id, system_id=forced.system_id,
                                      person_id__in=ids,
                                      changed_on__gte=answered_from(forced))
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


def withdrawn(forced: ForcedChange) -> bool:
    """Whether a settled leaver's change was withdrawn (their leaving date was cleared)
    rather than answered by a change: its audit trail says so. No query for an open one or
    a compromise."""
    if forced.settled_at is None or forced.reason != ForcedChange.Reason.LEAVER:
        return False
    from schoolkeep.audit.models import AuditEvent
    from schoolkeep.audit.services import target_key

    target_type, target_id = target_key(forced)
    return AuditEvent.objects.filter(school_id=forced.school_id, target_type=target_type,
                                     target_id=target_id,
                                     action="passwords.forced_change.withdrawn").exists()
