"""Schoolkeep's own backups as each school sees them: the "Schoolkeep" scope and the sets
the install keeps for it (its nightly archive and, when the operator set one up, its copy
folder).

``ensure_install_sets`` is idempotent and works in bulk: a handful of queries whatever the
number of schools. It is called after the nightly backup (a scheduler tick), when a school
starts its scopes and by the demo. The copy folder's flags come from the operator's settings
and are brought up to date each time; a school never edits these sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record_many
from schoolkeep.backups.services_nightly import copy_dir
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.lib.text import fold
from schoolkeep.tenancy.models import School

ACTION_SET_ADDED = "continuity.install_set.added"
ACTION_SET_CHANGED = "continuity.install_set.changed"
ACTION_SCOPE_ADDED = "continuity.install_scope.added"
ACTION_SCOPE_TAKEN = "continuity.install_scope.taken_over"
ACTION_LABELS = {
    ACTION_SET_ADDED: "Schoolkeep's own backup listed",
    ACTION_SET_CHANGED: "Schoolkeep's own backup updated",
    ACTION_SCOPE_ADDED: "Schoolkeep added to what needs protecting",
    ACTION_SCOPE_TAKEN: "The school's scope named Schoolkeep marked as Schoolkeep itself",
}

SCOPE_NAME = "Schoolkeep"
ARCHIVE_NAME = "Schoolkeep's nightly archive"
ARCHIVE_LOCATION = "Schoolkeep's server"
COPY_NAME = "Schoolkeep's copy folder"
COPY_LOCATION = "Schoolkeep's copy folder"


def _wanted() -> dict[str, dict[str, Any]]:
    """The install sets that should exist, with their fields (the copy only when set up)."""
    wanted: dict[str, dict[str, Any]] = {
        BackupSet.InstallCopy.ARCHIVE: {
            "name": ARCHIVE_NAME, "location": ARCHIVE_LOCATION,
            "medium": BackupSet.Medium.NETWORK_STORAGE, "encrypted": True,
            "password_protected": True, "off_site": False, "offline": False,  # nosec B105: a flag, not a password
            "immutable": False, "schedule": BackupSet.Schedule.DAILY,
            "notes": "Made by Schoolkeep every night at 2am, encrypted and verified. "
                     "It is kept on the same server as Schoolkeep, so it is never off site.",
        },
    }
    if copy_dir() is not None:
        wanted[BackupSet.InstallCopy.COPY] = {
            "name": COPY_NAME, "location": COPY_LOCATION,
            "medium": BackupSet.Medium.OTHER, "encrypted": True,
            "password_protected": True,  # nosec B105: a flag, not a password
            "off_site": bool(settings.BACKUP_COPY_OFF_SITE),
            "offline": bool(settings.BACKUP_COPY_OFFLINE),
            "immutable": bool(settings.BACKUP_COPY_IMMUTABLE),
            "schedule": BackupSet.Schedule.DAILY,
            "notes": "A copy of each nightly archive, put in the folder the people who run "
                     "Schoolkeep set up. Whether it is off site or offline is their setting.",
        }
    return wanted


def _device_key(location: str) -> str:
    return fold(location)


def ensure_install_sets(school_ids: Sequence[int] | None = None) -> None:
    """Make sure each school (all schools when None) has the Schoolkeep scope and the
    install's sets, linked to it, with up-to-date flags. A copy set no longer set up is
    retired (its checks stay in the log); one set up again is brought back."""
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    ids = list(schools.values_list("pk", flat=True))
    if not ids:
        return
    wanted = _wanted()
    events: list[dict[str, Any]] = []
    with transaction.atomic():
        scopes = {s.school_id: s for s in Scope.objects.filter(
            school_id__in=ids, kind=Scope.Kind.SCHOOLKEEP, archived_at__isnull=True)}
        new_scopes = [Scope(school_id=sid, kind=Scope.Kind.SCHOOLKEEP, name=SCOPE_NAME,
                            name_key=fold(SCOPE_NAME), manage_without=Scope.ManageWithout.DAYS)
                      for sid in ids if sid not in scopes]
        if new_scopes:
            # A school's own scope already named "Schoolkeep" would clash on the name: that
            # school keeps its scope, which then gets the kind (one read, one update for all
            # of them, each audited).
            taken = {s.school_id: s for s in Scope.objects.filter(
                school_id__in=[s.school_id for s in new_scopes], archived_at__isnull=True,
                name_key=fold(SCOPE_NAME))}
            if taken:
                Scope.objects.filter(pk__in=[s.pk for s in taken.values()]).update(
                    kind=Scope.Kind.SCHOOLKEEP)
            for scope in taken.values():
                events.append({"action": ACTION_SCOPE_TAKEN, "school": scope.school_id,
                               "target": scope, "target_label": scope.name,
                               "changes": {"kind": str(Scope.Kind.SCHOOLKEEP),
                                           "was": str(scope.kind)}})
                scope.kind = Scope.Kind.SCHOOLKEEP
                scopes[scope.school_id] = scope
            new_scopes = [s for s in new_scopes if s.school_id not in taken]
            Scope.objects.bulk_create(new_scopes)
            created = Scope.objects.filter(
                school_id__in=[s.school_id for s in new_scopes], kind=Scope.Kind.SCHOOLKEEP,
                archived_at__isnull=True)
            for scope in created:
                scopes[scope.school_id] = scope
                events.append({"action": ACTION_SCOPE_ADDED, "school": scope.school_id,
                               "target": scope, "target_label": scope.name,
                               "changes": {"name": scope.name}})

        existing = {(s.school_id, s.install_copy): s for s in BackupSet.objects.filter(
            school_id__in=ids).exclude(install_copy="")}
        to_create: list[BackupSet] = []
        to_update: list[BackupSet] = []
        for sid in ids:
            for kind, fields in wanted.items():
                current = existing.get((sid, kind))
                values = {**fields, "device_key": _device_key(fields["location"])}
                if current is None:
                    to_create.append(BackupSet(school_id=sid, install_copy=kind, **values))
                    continue
                changed = {k: v for k, v in values.items() if getattr(current, k) != v}
                if current.retired_at is not None:
                    changed["retired_at"] = None
                if changed:
                    for key, value in changed.items():
                        setattr(current, key, value)
                    current.version += 1
                    to_update.append(current)
                    events.append({"action": ACTION_SET_CHANGED, "school": sid,
                                   "target": current, "target_label": current.name,
                                   "changes": {k: str(v) for k, v in changed.items()}})
            # A copy folder no longer set up: retire its set, keep its history.
            stale = existing.get((sid, BackupSet.InstallCopy.COPY))
            if (stale is not None and BackupSet.InstallCopy.COPY not in wanted
                    and stale.retired_at is None):
                stale.retired_at = timezone.now()
                stale.version += 1
                to_update.append(stale)
                events.append({"action": ACTION_SET_CHANGED, "school": sid, "target": stale,
                               "target_label": stale.name,
                               "changes": {"retired": "the copy folder is no longer set up"}})
        if to_create:
            BackupSet.objects.bulk_create(to_create)
        if to_update:
            BackupSet.objects.bulk_update(
                to_update, ["name", "location", "device_key", "medium", "encrypted",
                            "password_protected", "off_site", "offline", "immutable",
                            "schedule", "notes", "retired_at", "version"])
        all_sets = list(BackupSet.objects.filter(school_id__in=ids).exclude(install_copy=""))
        fresh = {(s.school_id, s.install_copy) for s in to_create}
        for item in all_sets:
            if (item.school_id, item.install_copy) in fresh:
                events.append({"action": ACTION_SET_ADDED, "school": item.school_id,
                               "target": item, "target_label": item.name,
                               "changes": {"name": item.name, "off_site": item.off_site,
                                           "offline": item.offline}})
        # Link each set to its school's Schoolkeep scope (one bulk insert of the missing links).
        through = BackupSet.scopes.through
        linked = set(through.objects.filter(backupset__in=all_sets)
                     .values_list("backupset_id", "scope_id"))
        links = [through(backupset_id=item.pk, scope_id=scopes[item.school_id].pk)
                 for item in all_sets
                 if item.school_id in scopes
                 and (item.pk, scopes[item.school_id].pk) not in linked]
        if links:
            through.objects.bulk_create(links, ignore_conflicts=True)
        if events:
            school_map = {s.pk: s for s in School.objects.filter(
                pk__in={e["school"] for e in events})}
            for event in events:
                event["school"] = school_map[event["school"]]
            audit_record_many(events)
