"""Writes of the systems register. Pages, the API and the demo call these functions; each
runs in one transaction, checks that the acting member may manage systems, and audits the
record it changes with its before and after."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import fold, tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.people.models import Person
from schoolkeep.systems.catalogue import catalogue_entry
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import PERMISSIONS

# What system_create and system_update accept besides ``administrators``.
SYSTEM_FIELDS = [
    "name", "supplier", "kind", "description", "hosting", "mfa_required", "mfa_enabled",
    "mfa_for", "remote_access_method", "auto_logoff_minutes", "auto_logoff_checked_on",
    "notes", "signs_in_interactively", "is_transfer_channel",
    "transfer_instructions",
]
# Recorded in the audit trail besides SYSTEM_FIELDS.
AUDITED_FIELDS = [*SYSTEM_FIELDS, "catalogue_key"]

_LINE_FIELDS = {"name", "supplier", "hosting", "mfa_for", "remote_access_method"}
_TEXT_FIELDS = {"description", "notes", "transfer_instructions"}
_BOOLEAN_FIELDS = {"mfa_required", "mfa_enabled", "signs_in_interactively",
                   "is_transfer_channel"}


ACTION_LABELS = {
    "systems.system.created": "System added",
    "systems.system.updated": "System changed",
    "systems.system.archived": "System archived",
}


# ---------------------------------------------------------------------------- helpers


# The one permission that may stand in for systems.manage: a leaver's checklist names a new
# administrator in place of the leaver (leavers.services checks it before calling).
AUTHORITIES = frozenset({"leavers.manage"})


def _require_manager(*, school: School | int, actor: Any,
                     permission: str = "systems.manage") -> None:
    """A person acting (not the command line or the demo) must hold systems.manage (or the
    permission a caller is authorised by)."""
    if not getattr(actor, "is_authenticated", False):
        return
    _, roles = PERMISSIONS[permission]
    allowed = MembershipRole.objects.filter(
        membership__school=school, membership__user=actor, membership__is_active=True,
        role__in=list(roles),
    ).exists()
    if not allowed:
        raise NotAllowed("You may not change the systems of this school.")


def _refuse_unknown(fields: Iterable[str]) -> None:
    for name in fields:
        if name not in SYSTEM_FIELDS and name != "administrators":
            raise DomainError(f"A system has no field {name!r}.", field=name)


def _as_minutes(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise DomainError("Enter the number of idle minutes.", field="auto_logoff_minutes")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("Enter the number of idle minutes as a whole number, such as 10.",
                          field="auto_logoff_minutes") from None


def _apply(system: System, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name in _LINE_FIELDS:
            value = tidy(str(value or ""))
        elif name in _TEXT_FIELDS:
            value = str(value or "").strip()
        elif name in _BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                raise DomainError("Answer yes or no.", field=name)
        elif name == "kind":
            value = str(value or "")
        elif name == "auto_logoff_minutes":
            value = _as_minutes(value)
        elif name == "auto_logoff_checked_on":
            value = as_date(name, value)
        setattr(system, name, value)
    system.name_key = fold(system.name)


def _validate(system: System) -> None:
    if not system.name:
        raise DomainError("Enter the system's name.", field="name")
    if system.kind not in System.Kind.values:
        raise DomainError("Choose what kind of system this is.", field="kind")
    checked = system.auto_logoff_checked_on
    if checked is not None and checked > timezone.localdate():
        raise DomainError("The date the automatic log-off was last checked cannot be in the "
                          "future.", field="auto_logoff_checked_on")
    clash = System.objects.filter(school_id=system.school_id, name_key=system.name_key,
                                  archived_at__isnull=True).exclude(pk=system.pk)
    if system.archived_at is None and clash.exists():
        raise DomainError(f"The register already has a system called {clash[0].name}.",
                          field="name")
    full_clean_or_error(system)


def _administrators(school_id: int, people: Iterable[Person]) -> list[Person]:
    chosen = list(people)
    for person in chosen:
        if not isinstance(person, Person) or person.school_id != school_id:
            raise DomainError("Choose administrators from the people of this school.",
                              field="administrators")
    return sorted({person.pk: person for person in chosen}.values(),
                  key=lambda person: (person.name_key, person.pk))


def _public_ids(people: Iterable[Person]) -> list[str]:
    """The administrators as the audit trail keeps them: by public id, never by name (the
    system's events are not about a person, so nothing would seal a name)."""
    return [str(person.public_id) for person in people]


def _snapshot(system: System, administrators: list[Person]) -> dict[str, Any]:
    values = snapshot(system, AUDITED_FIELDS)
    values["administrators"] = _public_ids(administrators)
    return values


def _save(system: System) -> None:
    """Save, turning a name clash found only by the database into the same message."""
    try:
        with transaction.atomic():
            system.save()
    except IntegrityError:
        raise DomainError(f"The register already has a system called {system.name}.",
                          field="name") from None


# ---------------------------------------------------------------------------- writes


def _create(*, school: School, actor: Any, catalogue_key: str, name: str,
            fields: dict[str, Any]) -> System:
    _refuse_unknown(fields)
    given = fields.pop("administrators", None)
    if "signs_in_interactively" not in fields:
        # A backup service is used by software: nobody signs in, so no log-off to check.
        fields["signs_in_interactively"] = fields.get("kind") != System.Kind.BACKUP
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        system = System(school=school, catalogue_key=catalogue_key)
        _apply(system, {"name": name, **fields})
        _validate(system)
        administrators = _administrators(school.pk, given or [])
        _save(system)
        if administrators:
            system.administrators.set(administrators)
        audit_record(action="systems.system.created", school=school, actor=actor,
                     target=system, changes=diff(None, _snapshot(system, administrators)))
    return system


def system_create(*, school: School, actor: Any, name: str, **fields: Any) -> System:
    """Add a system to the school's register. ``fields``: any of SYSTEM_FIELDS, and
    ``administrators`` (people of the school). Without ``signs_in_interactively``, a
    backup service is taken as used by software (off), any other kind as signed in to."""
    return _create(school=school, actor=actor, catalogue_key="", name=name, fields=fields)


def system_add_from_catalogue(*, school: School, actor: Any, key: str) -> System:
    """Add a service of the catalogue, described as the policy describes it (a channel the
    policy names for sending data is marked as one, with how to use it). One already in
    the register (from the catalogue or by its name) is refused."""
    entry = catalogue_entry(key)
    if entry is None:
        raise DomainError("Choose a service from the catalogue.", field="key")
    taken = System.objects.filter(school=school, archived_at__isnull=True)
    if taken.filter(catalogue_key=entry.key).exists() or taken.filter(
            name_key=fold(entry.name)).exists():
        raise DomainError(f"{entry.name} is already in the register.", field="key")
    fields = entry.system_fields()
    name = str(fields.pop("name"))
    return _create(school=school, actor=actor, catalogue_key=entry.key, name=name,
                   fields=fields)


def system_update(*, system: System, actor: Any, version: int,
                  authorised_by: str | None = None, **fields: Any) -> System:
    """Change a system. ``version`` is the one the editor read: a newer one in the database
    raises StaleVersion. An archived system is not changed.

    ``authorised_by="leavers.manage"`` (the leaver checklist's step): the actor needs that
    permission instead of systems.manage; any other value is a ValueError."""
    if authorised_by is not None and authorised_by not in AUTHORITIES:
        raise ValueError(f"A system is not changed under {authorised_by!r}.")
    _refuse_unknown(fields)
    given = fields.pop("administrators", None)
    with transaction.atomic():
        _require_manager(school=system.school_id, actor=actor,
                         permission=authorised_by or "systems.manage")
        current = System.objects.select_for_update().get(pk=system.pk)
        if current.version != version:
            raise stale_error(school=current.school_id, target=current, what="this system")
        if current.archived_at is not None:
            raise DomainError("This system is archived and cannot be changed.")
        old_admins = list(current.administrators.order_by("name_key", "pk"))
        before = _snapshot(current, old_admins)
        _apply(current, fields)
        _validate(current)
        new_admins = old_admins if given is None else _administrators(current.school_id, given)
        changes = diff(before, _snapshot(current, new_admins))
        if not changes:
            return current
        current.version += 1
        _save(current)
        if given is not None and [p.pk for p in new_admins] != [p.pk for p in old_admins]:
            current.administrators.set(new_admins)
        audit_record(action="systems.system.updated", school=current.school_id, actor=actor,
                     target=current, changes=changes)
    return current


def system_archive(*, system: System, actor: Any) -> System:
    """Take a system off the register. It keeps its history, its page and its links to
    assets; its name may be used again. Archiving an archived system changes nothing."""
    with transaction.atomic():
        _require_manager(school=system.school_id, actor=actor)
        current = System.objects.select_for_update().get(pk=system.pk)
        if current.archived_at is not None:
            return current
        current.archived_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(action="systems.system.archived", school=current.school_id, actor=actor,
                     target=current,
                     changes=diff({"archived_at": None}, {"archived_at": current.archived_at}))
    return current
