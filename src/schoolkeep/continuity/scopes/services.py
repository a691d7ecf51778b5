"""Writes of what needs protecting and of the backup sets that protect it: add, change and
archive a scope; start with the usual scopes; add, change and retire a backup set; the
school's check window. Pages, the API and the demo call these functions; each runs in one
transaction, checks that the acting member may manage backups (``continuity.manage``) and
audits what it changed.

The rules kept here:

- a scope's name is unique among the school's scopes in use; a cloud system is a system of
  the school's register, and is a scope once;
- a set's provider is a system of the register or an outside organisation (picked, or typed
  and then added to the register of organisations), never both;
- a set's device is where its copies are kept (``location``, case and spacing ignored): two
  sets kept in the same place are one device in the 3-2-1 rule;
- Schoolkeep's own sets (``install_copy``) are kept by the install: never changed or retired
  by a school;
- nothing is deleted: a scope is archived, a set retired.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.continuity.models import BackupSet, ContinuitySettings, Scope
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import fold, tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "continuity.scope.created": "Added to what needs protecting",
    "continuity.scope.updated": "What needs protecting changed",
    "continuity.scope.archived": "Taken off what needs protecting",
    "continuity.set.created": "Backup set added",
    "continuity.set.updated": "Backup set changed",
    "continuity.set.retired": "Backup set retired",
    "continuity.settings.updated": "Backup settings changed",
}

SCOPE_FIELDS = ("kind", "name", "system", "owner", "manage_without", "restore_order", "notes")
SET_FIELDS = ("name", "medium", "provider_system", "provider_name", "location", "encrypted",
              "password_protected", "off_site", "offline", "immutable", "schedule",
              "schedule_note", "owner", "scopes", "notes")
FLAGS = ("encrypted", "password_protected", "off_site", "offline", "immutable")

ADMIN_NETWORK = "Admin network"
CURRICULUM_NETWORK = "Curriculum network"


# ---------------------------------------------------------------------------- helpers


def _require_manager(*, school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="continuity.manage",
                       message="You may not change this school's backups.")


def _text(name: str, value: Any, limit: int, *, line: bool = True,
          required: str = "") -> str:
    text = tidy(str(value or "")) if line else str(value or "").strip()
    if required and not text:
        raise DomainError(required, field=name)
    if len(text) > limit:
        raise DomainError(f"Keep this to {limit} characters.", field=name)
    return text


def _choice(name: str, value: Any, choices: Any, what: str, *, blank: bool = False) -> str:
    text = str(value or "")
    if blank and not text:
        return ""
    if text not in choices.values:
        raise DomainError(f"Choose {what}.", field=name)
    return text


def _person(school_id: int, person: Any, field: str) -> Person | None:
    if person in (None, ""):
        return None
    if not isinstance(person, Person) or person.school_id != school_id:
        raise DomainError("Choose a person from the people of this school.", field=field)
    return person


def _system(school_id: int, system: Any, field: str) -> System | None:
    if system in (None, ""):
        return None
    if (not isinstance(system, System) or system.school_id != school_id
            or system.archived_at is not None):
        raise DomainError("Choose a system of this school's register.", field=field)
    return system


def _scope_snapshot(scope: Scope) -> dict[str, Any]:
    values = snapshot(scope, ["kind", "name", "manage_without", "restore_order", "notes"])
    values["system"] = scope.system.name if scope.system_id and scope.system else None
    values["owner"] = scope.owner.full_name if scope.owner_id and scope.owner else None
    return values


def _set_snapshot(backup_set: BackupSet, scope_names: list[str]) -> dict[str, Any]:
    values = snapshot(backup_set, ["name", "medium", "location", *FLAGS, "schedule",
                                   "schedule_note", "notes"])
    values["provider"] = provider_label(backup_set)
    values["owner"] = (backup_set.owner.full_name if backup_set.owner_id and backup_set.owner
                       else None)
    values["scopes"] = sorted(scope_names)
    return values


def provider_label(backup_set: BackupSet) -> str:
    """The provider's name: a system of the register or an outside organisation ("" none)."""
    if backup_set.provider_system_id and backup_set.provider_system:
        return backup_set.provider_system.name
    if backup_set.provider_organisation_id and backup_set.provider_organisation:
        return backup_set.provider_organisation.name
    return ""


# ---------------------------------------------------------------------------- scopes


def _apply_scope(scope: Scope, values: dict[str, Any]) -> None:
    school_id = scope.school_id
    if "kind" in values:
        scope.kind = _choice("kind", values["kind"], Scope.Kind, "what kind of thing it is")
        if scope.kind == Scope.Kind.SCHOOLKEEP:
            raise DomainError("Schoolkeep is added by Schoolkeep itself: choose another kind.",
                              field="kind")
    if "system" in values:
        scope.system = _system(school_id, values["system"], "system")
    if scope.kind == Scope.Kind.CLOUD_SYSTEM and scope.system is None:
        raise DomainError("Choose the cloud system from the register's systems.",
                          field="system")
    if scope.kind != Scope.Kind.CLOUD_SYSTEM:
        scope.system = None
    if "name" in values or (not scope.name and scope.system is not None):
        name = _text("name", values.get("name"), 200)
        if not name and scope.system is not None:
            name = scope.system.name
        if not name:
            raise DomainError("Enter a name, such as \"Admin network\".", field="name")
        scope.name = name
    scope.name_key = fold(scope.name)
    if "owner" in values:
        scope.owner = _person(school_id, values["owner"], "owner")
    if "manage_without" in values:
        scope.manage_without = _choice("manage_without", values["manage_without"],
                                       Scope.ManageWithout, "how long the school could "
                                       "manage without it", blank=True)
    if "restore_order" in values:
        order = values["restore_order"]
        scope.restore_order = None if order in (None, "") else order
    if "notes" in values:
        scope.notes = _text("notes", values["notes"], 5000, line=False)


def _check_scope_unique(scope: Scope) -> None:
    others = Scope.objects.filter(school_id=scope.school_id, archived_at__isnull=True)
    if scope.pk:
        others = others.exclude(pk=scope.pk)
    if others.filter(name_key=scope.name_key).exists():
        raise DomainError(f"\"{scope.name}\" is already one of the things that need "
                          "protecting: choose another name.", field="name")
    if scope.system_id and others.filter(system_id=scope.system_id).exists():
        raise DomainError(f"{scope.system.name if scope.system else 'This system'} is already "
                          "one of the things that need protecting.", field="system")


def _save_scope(scope: Scope) -> None:
    _check_scope_unique(scope)
    full_clean_or_error(scope, exclude=["school", "system", "owner"])
    try:
        with transaction.atomic():
            scope.save()
    except IntegrityError:
        raise DomainError("Another scope has this name or system: reload and check.",
                          field="name") from None


def scope_create(*, school: School, actor: Any, **values: Any) -> Scope:
    """Add something the school must be able to get back (``kind``, ``name``, ``system``
    for a cloud system, ``owner``, ``manage_without``, ``restore_order``, ``notes``)."""
    for name in values:
        if name not in SCOPE_FIELDS:
            raise DomainError(f"A scope has no field {name!r}.", field=name)
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        scope = Scope(school=school)
        _apply_scope(scope, {"kind": "", "name": "", **values})
        _save_scope(scope)
        audit_record(action="continuity.scope.created", school=school, actor=actor,
                     target=scope, changes=diff(None, _scope_snapshot(scope)))
    return scope


def _locked_scope(scope: Scope) -> Scope:
    return (Scope.objects.select_for_update(of=("self",))
            .select_related("system", "owner").get(pk=scope.pk))


def scope_update(*, scope: Scope, actor: Any, version: int, **changes: Any) -> Scope:
    """Change a scope; ``version`` is the one the editor read (a newer one is refused).
    Schoolkeep's own scope keeps its kind and name."""
    for name in changes:
        if name not in SCOPE_FIELDS:
            raise DomainError(f"A scope has no field {name!r} to change.", field=name)
    with transaction.atomic():
        _require_manager(school=scope.school_id, actor=actor)
        current = _locked_scope(scope)
        if current.version != version:
            raise stale_error(school=current.school_id, target=current, what="this scope")
        if current.archived_at is not None:
            raise DomainError("This scope is archived: it can no longer be changed.",
                              field="version")
        if current.kind == Scope.Kind.SCHOOLKEEP:
            changes = {k: v for k, v in changes.items() if k not in ("kind", "name", "system")}
            before = _scope_snapshot(current)
            _apply_scope_schoolkeep(current, changes)
        else:
            before = _scope_snapshot(current)
            _apply_scope(current, changes)
        recorded = diff(before, _scope_snapshot(current))
        if not recorded:
            return current
        current.version += 1
        _save_scope(current)
        audit_record(action="continuity.scope.updated", school=current.school_id,
                     actor=actor, target=current, changes=recorded)
    return current


def _apply_scope_schoolkeep(scope: Scope, changes: dict[str, Any]) -> None:
    if "owner" in changes:
        scope.owner = _person(scope.school_id, changes["owner"], "owner")
    if "manage_without" in changes:
        scope.manage_without = _choice("manage_without", changes["manage_without"],
                                       Scope.ManageWithout, "how long the school could "
                                       "manage without it", blank=True)
    if "restore_order" in changes:
        order = changes["restore_order"]
        scope.restore_order = None if order in (None, "") else order
    if "notes" in changes:
        scope.notes = _text("notes", changes["notes"], 5000, line=False)


def scope_archive(*, scope: Scope, actor: Any) -> Scope:
    """Take a scope off what needs protecting (kept, with its history). Schoolkeep's own
    scope stays: the install keeps it."""
    with transaction.atomic():
        _require_manager(school=scope.school_id, actor=actor)
        current = _locked_scope(scope)
        if current.kind == Scope.Kind.SCHOOLKEEP:
            raise DomainError("Schoolkeep's own backups are kept by Schoolkeep: this scope "
                              "stays.", field="scope")
        if current.archived_at is not None:
            return current
        current.archived_at = timezone.now()
        current.version += 1
        current.save(update_fields=["archived_at", "version", "updated_at"])
        audit_record(action="continuity.scope.archived", school=current.school_id,
                     actor=actor, target=current,
                     changes=diff({"archived": False}, {"archived": True}))
    return current


def scopes_start(*, school: School, actor: Any, systems: Iterable[System] = ()) -> list[Scope]:
    """Start with the usual scopes: the admin network, the curriculum network, Schoolkeep
    (with its own backups, from ``ensure_install_sets``) and each of ``systems`` (the cloud
    systems the user ticked). What the school has already is left as it is. Returns the
    scopes added."""
    from schoolkeep.continuity.checks.install import ensure_install_sets

    chosen = list(systems)
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        for system in chosen:
            _system(school.pk, system, "systems")
        existing = set(Scope.objects.filter(school=school, archived_at__isnull=True)
                       .values_list("name_key", flat=True))
        in_scope = set(Scope.objects.filter(school=school, archived_at__isnull=True,
                                            system__isnull=False)
                       .values_list("system_id", flat=True))
        wanted: list[dict[str, Any]] = [
            {"kind": Scope.Kind.ADMIN_NETWORK, "name": ADMIN_NETWORK},
            {"kind": Scope.Kind.CURRICULUM_NETWORK, "name": CURRICULUM_NETWORK},
        ]
        wanted += [{"kind": Scope.Kind.CLOUD_SYSTEM, "name": system.name, "system": system}
                   for system in chosen if system.pk not in in_scope]
        added = []
        for values in wanted:
            # A ticked system may fold to a usual scope's name or to another ticked one's:
            # the first of a name is added, the others are skipped (the view says so).
            if fold(values["name"]) in existing:
                continue
            added.append(scope_create(school=school, actor=actor, **values))
            existing.add(fold(values["name"]))
        ensure_install_sets([school.pk])
    return added


# ---------------------------------------------------------------------------- sets


def _provider(backup_set: BackupSet, *, system: Any, name: Any, actor: Any) -> None:
    from schoolkeep.assets.services import organisation_get_or_create

    system = _system(backup_set.school_id, system, "provider_system")
    typed = tidy(str(name or ""))
    if system is not None and typed:
        raise DomainError("Pick a system of the register or type an organisation, not both.",
                          field="provider_name")
    backup_set.provider_system = system
    backup_set.provider_organisation = None
    if typed:
        if len(typed) > 200:
            raise DomainError("Keep this to 200 characters.", field="provider_name")
        backup_set.provider_organisation = organisation_get_or_create(
            school=backup_set.school, name=typed, actor=actor, permission="continuity.manage")


def _scopes(school_id: int, scopes: Any) -> list[Scope]:
    found = list(scopes or [])
    for scope in found:
        if (not isinstance(scope, Scope) or scope.school_id != school_id
                or scope.archived_at is not None):
            raise DomainError("Choose what it protects from this school's scopes.",
                              field="scopes")
    return found


def _apply_set(backup_set: BackupSet, values: dict[str, Any], actor: Any) -> None:
    if "name" in values:
        backup_set.name = _text("name", values["name"], 200,
                                required="Enter a name, such as \"Nightly tapes\".")
    if "medium" in values:
        backup_set.medium = _choice("medium", values["medium"], BackupSet.Medium,
                                    "the medium the copies are on")
    if "provider_system" in values or "provider_name" in values:
        _provider(backup_set, system=values.get("provider_system"),
                  name=values.get("provider_name"), actor=actor)
    if "location" in values:
        backup_set.location = _text("location", values["location"], 200,
                                    required="Enter where the copies are kept, such as "
                                             "\"Locked server room\".")
        backup_set.device_key = fold(backup_set.location)
    for flag in FLAGS:
        if flag in values:
            setattr(backup_set, flag, bool(values[flag]))
    if "schedule" in values:
        backup_set.schedule = _choice("schedule", values["schedule"], BackupSet.Schedule,
                                      "how often it runs")
    if "schedule_note" in values:
        backup_set.schedule_note = _text("schedule_note", values["schedule_note"], 200)
    if backup_set.schedule == BackupSet.Schedule.OTHER and not backup_set.schedule_note:
        raise DomainError("Say how often it runs.", field="schedule_note")
    if "owner" in values:
        backup_set.owner = _person(backup_set.school_id, values["owner"], "owner")
    if "notes" in values:
        backup_set.notes = _text("notes", values["notes"], 5000, line=False)


def set_create(*, school: School, actor: Any, **values: Any) -> BackupSet:
    """Add a backup set (``name``, ``medium``, ``provider_system`` or ``provider_name``,
    ``location``, the flags, ``schedule``, ``schedule_note``, ``owner``, ``scopes``,
    ``notes``)."""
    for name in values:
        if name not in SET_FIELDS:
            raise DomainError(f"A backup set has no field {name!r}.", field=name)
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        backup_set = BackupSet(school=school)
        _apply_set(backup_set, {"name": "", "medium": "", "location": "", **values}, actor)
        scopes = _scopes(school.pk, values.get("scopes"))
        full_clean_or_error(backup_set, exclude=["school", "provider_system",
                                                 "provider_organisation", "owner", "scopes"])
        backup_set.save()
        backup_set.scopes.set(scopes)
        audit_record(action="continuity.set.created", school=school, actor=actor,
                     target=backup_set,
                     changes=diff(None, _set_snapshot(backup_set, [s.name for s in scopes])))
    return backup_set


def _locked_set(backup_set: BackupSet) -> BackupSet:
    current = (BackupSet.objects.select_for_update(of=("self",))
               .select_related("provider_system", "provider_organisation", "owner", "school")
               .get(pk=backup_set.pk))
    if current.is_install_copy:
        raise DomainError("Schoolkeep keeps this backup itself: it cannot be changed here.",
                          field="set")
    return current


def set_update(*, backup_set: BackupSet, actor: Any, version: int,
               **changes: Any) -> BackupSet:
    """Change a backup set; ``version`` is the one the editor read. Refused for
    Schoolkeep's own sets and for a retired set."""
    for name in changes:
        if name not in SET_FIELDS:
            raise DomainError(f"A backup set has no field {name!r} to change.", field=name)
    with transaction.atomic():
        _require_manager(school=backup_set.school_id, actor=actor)
        current = _locked_set(backup_set)
        if current.version != version:
            raise stale_error(school=current.school_id, target=current,
                              what="this backup set")
        if current.retired_at is not None:
            raise DomainError("This backup set is retired: it can no longer be changed.",
                              field="version")
        old_scopes = list(current.scopes.all())
        before = _set_snapshot(current, [s.name for s in old_scopes])
        _apply_set(current, changes, actor)
        scopes = old_scopes
        if "scopes" in changes:
            # Only scopes in use can be chosen: the links to archived scopes stay, so their
            # pages keep the set in their history.
            scopes = _scopes(current.school_id, changes["scopes"])
            scopes += [scope for scope in old_scopes
                       if scope.archived_at is not None and scope not in scopes]
        full_clean_or_error(current, exclude=["school", "provider_system",
                                              "provider_organisation", "owner", "scopes"])
        recorded = diff(before, _set_snapshot(current, [s.name for s in scopes]))
        if not recorded:
            return current
        current.version += 1
        current.save()
        if "scopes" in changes:
            current.scopes.set(scopes)
        audit_record(action="continuity.set.updated", school=current.school_id,
                     actor=actor, target=current, changes=recorded)
    return current


def set_retire(*, backup_set: BackupSet, actor: Any) -> BackupSet:
    """Retire a set no longer used: it stops counting in the 3-2-1 rule; its checks stay."""
    with transaction.atomic():
        _require_manager(school=backup_set.school_id, actor=actor)
        current = _locked_set(backup_set)
        if current.retired_at is not None:
            return current
        current.retired_at = timezone.now()
        current.version += 1
        current.save(update_fields=["retired_at", "version", "updated_at"])
        audit_record(action="continuity.set.retired", school=current.school_id, actor=actor,
                     target=current, changes=diff({"retired": False}, {"retired": True}))
    return current


# ---------------------------------------------------------------------------- settings


def settings_for(school: School | int) -> ContinuitySettings:
    """The school's settings, unsaved defaults when it has none."""
    school_id = school if isinstance(school, int) else school.pk
    found = ContinuitySettings.objects.filter(school_id=school_id).first()
    return found or ContinuitySettings(school_id=school_id)


def settings_update(*, school: School, actor: Any, version: int,
                    check_window_days: Any) -> ContinuitySettings:
    """Set how recent a successful check must be for a set to count in the 3-2-1 rule."""
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        current, _ = ContinuitySettings.objects.select_for_update().get_or_create(school=school)
        if current.version != version:
            raise stale_error(school=school, target=current, what="these settings")
        try:
            days = int(check_window_days)
        except (TypeError, ValueError):
            raise DomainError("Enter a number of days, from 1 to 365.",
                              field="check_window_days") from None
        if not 1 <= days <= 365:
            raise DomainError("Enter a number of days, from 1 to 365.",
                              field="check_window_days")
        if days == current.check_window_days:
            return current
        before = {"check_window_days": current.check_window_days}
        current.check_window_days = days
        current.version += 1
        current.save()
        audit_record(action="continuity.settings.updated", school=school, actor=actor,
                     target=current, changes=diff(before, {"check_window_days": days}))
    return current
