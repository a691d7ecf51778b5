"""Writes of the password change cycles: a cycle's creation, change and archiving, and a
holder's attestation that they changed their password.

Schoolkeep never stores, asks for or shows a password: ``password_change_record`` keeps only
who says they changed theirs, on which system and which day. Each function runs in one
transaction and writes its audit event; pages, the API, the reminder links and the demo call
these same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.passwords.models import Cadence, ForcedChange, PasswordChange, PasswordCycle
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import roles_allow

ACTION_LABELS = {
    "passwords.cycle.created": "Password cycle added",
    "passwords.cycle.updated": "Password cycle changed",
    "passwords.cycle.archived": "Password cycle archived",
    "passwords.change.recorded": "Password change recorded",
    "passwords.forced.settled": "Forced password change settled",
}

CYCLE_FIELDS = ["system", "name", "cadence", "every_days", "holders", "holders_label",
                "starts_on"]
_AUDITED = ["name", "cadence", "every_days", "starts_on"]
EARLIEST_DAYS = 366  # a change may be recorded up to a year back


# ---------------------------------------------------------------------------- helpers


def actor_may(*, school: School | int, actor: Any, permission: str) -> bool:
    """True when a signed-in actor holds ``permission`` in the school. The command line and
    the demo (no signed-in user) may."""
    if not getattr(actor, "is_authenticated", False):
        return True
    roles = set(MembershipRole.objects.filter(
        membership__school=school, membership__user=actor, membership__is_active=True,
    ).values_list("role", flat=True))
    return roles_allow(roles, permission)


def _require(*, school: School | int, actor: Any, permission: str, message: str) -> None:
    if not actor_may(school=school, actor=actor, permission=permission):
        raise NotAllowed(message)


def _people(school_id: int, people: Iterable[Person]) -> list[Person]:
    chosen = list(people)
    for person in chosen:
        if not isinstance(person, Person) or person.school_id != school_id:
            raise DomainError("Choose holders from the people of this school.", field="holders")
    return sorted({p.pk: p for p in chosen}.values(), key=lambda p: (p.name_key, p.pk))


def _snapshot(cycle: PasswordCycle, holders: list[Person]) -> dict[str, Any]:
    values = snapshot(cycle, _AUDITED)
    values["system"] = cycle.system.name
    values["holders"] = [p.full_name for p in holders]
    values["holders_label"] = cycle.holders_label.label if cycle.holders_label else ""
    return values


def _apply_and_check(cycle: PasswordCycle, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "name":
            value = tidy(str(value or ""))
        setattr(cycle, name, value)
    if not cycle.name:
        raise DomainError("Say who the cycle is for, such as “Admin staff”.", field="name")
    if cycle.cadence not in Cadence.values:
        raise DomainError("Choose how often the password is changed.", field="cadence")
    if cycle.cadence == Cadence.EVERY_N_DAYS:
        if not cycle.every_days:
            raise DomainError("Enter every how many days, such as 90.", field="every_days")
    else:
        cycle.every_days = None
    system = cycle.system
    if system.school_id != cycle.school_id:
        raise DomainError("Choose a system of this school.", field="system")
    if system.archived_at is not None:
        raise DomainError("That system is archived.", field="system")
    label = cycle.holders_label
    if label is not None and label.school_id != cycle.school_id:
        raise DomainError("Choose an access label of this school.", field="holders_label")
    if cycle.starts_on is None:
        raise DomainError("Enter the date the cycle counts from.", field="starts_on")
    full_clean_or_error(cycle)


# ---------------------------------------------------------------------------- cycles


def cycle_create(*, school: School, actor: Any, system: System, name: str, cadence: str,
                 every_days: int | None = None, holders: Iterable[Person] = (),
                 holders_label: Any = None, starts_on: date | None = None) -> PasswordCycle:
    """Add a password change cycle of a system for named people and/or an access label."""
    with transaction.atomic():
        _require(school=school, actor=actor, permission="passwords.manage",
                 message="You may not change the password cycles of this school.")
        cycle = PasswordCycle(school=school, system=system)
        _apply_and_check(cycle, {
            "name": name, "cadence": cadence, "every_days": every_days,
            "holders_label": holders_label, "starts_on": starts_on or timezone.localdate()})
        people = _people(school.pk, holders)
        if not people and cycle.holders_label is None:
            raise DomainError("Name the holders, or choose an access label.", field="holders")
        cycle.save()
        cycle.holders.set(people)
        audit_record(action="passwords.cycle.created", school=school, actor=actor,
                     target=cycle, changes=diff(None, _snapshot(cycle, people)))
    return cycle


# The one permission that may stand in for passwords.manage: a leaver's checklist names a
# new holder of a cycle the leaver held (leavers.services checks it before calling).
AUTHORITIES = frozenset({"leavers.manage"})


def cycle_update(*, cycle: PasswordCycle, actor: Any, version: int,
                 authorised_by: str | None = None, **changes: Any) -> PasswordCycle:
    """Change a cycle (any of CYCLE_FIELDS); a stale ``version`` is refused.

    ``authorised_by="leavers.manage"`` (the leaver checklist's step): the actor needs that
    permission instead of passwords.manage; any other value is a ValueError."""
    if authorised_by is not None and authorised_by not in AUTHORITIES:
        raise ValueError(f"A password cycle is not changed under {authorised_by!r}.")
    for name in changes:
        if name not in CYCLE_FIELDS:
            raise DomainError(f"A password cycle has no field {name!r}.", field=name)
    given = changes.pop("holders", None)
    with transaction.atomic():
        _require(school=cycle.school_id, actor=actor,
                 permission=authorised_by or "passwords.manage",
                 message="You may not change the password cycles of this school.")
        current = (PasswordCycle.objects.select_for_update(of=("self",))
                   .select_related("system", "holders_label").get(pk=cycle.pk))
        if current.version != version:
            raise stale_error(school=current.school_id, target=current,
                              what="this password cycle")
        if current.archived_at is not None:
            raise DomainError("This cycle is archived and cannot be changed.")
        old = list(current.holders.order_by("name_key", "pk"))
        before = _snapshot(current, old)
        _apply_and_check(current, changes)
        new = old if given is None else _people(current.school_id, given)
        if not new and current.holders_label is None:
            raise DomainError("Name the holders, or choose an access label.", field="holders")
        after = diff(before, _snapshot(current, new))
        if not after:
            return current
        current.version += 1
        current.save()
        if [p.pk for p in new] != [p.pk for p in old]:
            current.holders.set(new)
        audit_record(action="passwords.cycle.updated", school=current.school_id, actor=actor,
                     target=current, changes=after)
    return current


def cycle_archive(*, cycle: PasswordCycle, actor: Any) -> PasswordCycle:
    """Stop a cycle (its attestations stay). Archiving twice changes nothing."""
    with transaction.atomic():
        _require(school=cycle.school_id, actor=actor, permission="passwords.manage",
                 message="You may not change the password cycles of this school.")
        current = PasswordCycle.objects.select_for_update().get(pk=cycle.pk)
        if current.archived_at is not None:
            return current
        current.archived_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(action="passwords.cycle.archived", school=current.school_id, actor=actor,
                     target=current,
                     changes=diff({"archived_at": None}, {"archived_at": current.archived_at}))
    return current


# ---------------------------------------------------------------------------- attestations


def _holds_cycle(*, system: System, person: Person, today: date) -> bool:
    from schoolkeep.passwords.selectors import holder_ids_of_system

    return person.pk in holder_ids_of_system(system=system, today=today)


def _shared_forced_changes(*, system: System, person: Person) -> list[ForcedChange]:
    """Open leaver forced changes of shared accounts of the system that the person used or
    answers for."""
    return [forced for forced in ForcedChange.objects.filter(
        system=system, reason=ForcedChange.Reason.LEAVER, settled_at__isnull=True,
        account__isnull=False).select_related("account").prefetch_related("account__shared_with")
        if forced.account is not None and forced.leaver_id != person.pk and (
            forced.account.responsible_person_id == person.pk
            or any(p.pk == person.pk for p in forced.account.shared_with.all()))]


def _settle(*, school: School, system: System, person: Person, changed_on: date,
            shared: list[ForcedChange], actor: Any, today: date) -> list[ForcedChange]:
    """Settle the forced changes this change answers: a leaver's shared account (one change by
    anyone entitled but the leaver, on or after the day from which a change counts:
    ``events.selectors.answers``, the leaving date for a leaver); a compromise once every
    holder of the system's cycles changed on or after the day it was raised."""
    from schoolkeep.passwords.events.selectors import answers
    from schoolkeep.passwords.selectors import holder_ids_of_system, last_changes

    settled: list[ForcedChange] = []
    now = timezone.now()
    for forced in shared:
        if answers(forced, changed_on):
            settled.append(forced)
    compromises = list(ForcedChange.objects.filter(
        system=system, reason=ForcedChange.Reason.COMPROMISE, settled_at__isnull=True))
    if compromises:
        holders = holder_ids_of_system(system=system, today=today)
        latest = last_changes(school_ids=[school.pk], system_ids=[system.pk])
        for forced in compromises:
            raised_on = timezone.localdate(forced.raised_at)
            if all((latest.get((system.pk, pid)) or date.min) >= raised_on for pid in holders):
                settled.append(forced)
    for forced in settled:
        forced.settled_at = now
        forced.save(update_fields=["settled_at"])
        audit_record(action="passwords.forced.settled", school=school, actor=actor,
                     target=forced, subject=person, changes={"settled_at": [None, now],
                                             "by_change_of": person.full_name})
    return settled


def password_change_record(*, school: School, system: System, person: Person,
                           changed_on: date, via: str, actor: Any) -> PasswordChange:
    """Record that ``person`` says they changed their password on ``system`` on
    ``changed_on``. The person must hold a cycle of the system (or use, or answer for, a shared
    account of it with an open forced change); the day may not be in the future nor more than
    a year ago. A signed-in actor must be the person or hold passwords.manage. Settles the
    forced changes the change answers."""
    today = timezone.localdate()
    if system.school_id != school.pk or person.school_id != school.pk:
        raise DomainError("Choose a system and a person of this school.")
    if via not in PasswordChange.Via.values:
        raise DomainError("Say how the change is recorded.", field="via")
    if not isinstance(changed_on, date):
        raise DomainError("Enter the day the password was changed.", field="changed_on")
    if changed_on > today:
        raise DomainError("The day the password was changed cannot be in the future.",
                          field="changed_on")
    if changed_on < today - timedelta(days=EARLIEST_DAYS):
        raise DomainError("The day the password was changed cannot be more than a year ago.",
                          field="changed_on")
    with transaction.atomic():
        if getattr(actor, "is_authenticated", False) and person.user_id != actor.pk:
            _require(school=school, actor=actor, permission="passwords.manage",
                     message="You may record only your own password changes.")
        shared = _shared_forced_changes(system=system, person=person)
        if not shared and not _holds_cycle(system=system, person=person, today=today):
            raise DomainError(f"{person.full_name} does not hold a password cycle of "
                              f"{system.name}.", field="person")
        label = (getattr(actor, "full_name", "") or getattr(actor, "email", "")
                 if getattr(actor, "is_authenticated", False) else "") or person.full_name
        change = PasswordChange(school=school, system=system, person=person,
                                changed_on=changed_on, via=via, recorded_by_label=label[:200])
        full_clean_or_error(change)
        change.save()
        audit_record(action="passwords.change.recorded", school=school, actor=actor,
                     target=change, changes={"system": system.name, "person": person.full_name,
                                             "changed_on": changed_on, "via": via})
        _settle(school=school, system=system, person=person, changed_on=changed_on,
                shared=shared, actor=actor, today=today)
    return change


def register() -> None:
    """Name this module's audit action codes (``passwords.registration.PARTS``)."""
    from schoolkeep.audit.actions import register_action_labels

    register_action_labels(ACTION_LABELS)
