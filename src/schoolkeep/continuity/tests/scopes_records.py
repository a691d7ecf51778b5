"""Records the scopes tests share: a scope, a backup set, a successful (or failed) check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.continuity.models import BackupCheck, BackupSet, Scope
from schoolkeep.continuity.scopes.services import scope_create, set_create
from schoolkeep.tenancy.models import School


def make_scope(school: School, name: str = "Admin network", **fields: Any) -> Scope:
    return scope_create(school=school, actor=None,
                        kind=fields.pop("kind", Scope.Kind.ADMIN_NETWORK), name=name, **fields)


def make_set(school: School, name: str, *, scopes: list[Scope], location: str | None = None,
             checked_days_ago: int | None = 1, **fields: Any) -> BackupSet:
    """A set kept at ``location`` (its own place unless given) with a successful check
    ``checked_days_ago`` days ago (None: never checked)."""
    backup_set = set_create(school=school, actor=None, name=name,
                            medium=fields.pop("medium", BackupSet.Medium.DISK),
                            location=location or f"{name} place", scopes=scopes, **fields)
    if checked_days_ago is not None:
        check(backup_set, days_ago=checked_days_ago)
    return backup_set


def check(backup_set: BackupSet, *, days_ago: int = 1, ok: bool = True) -> BackupCheck:
    return BackupCheck.objects.create(
        school_id=backup_set.school_id, backup_set=backup_set,
        checked_on=timezone.localdate() - timedelta(days=days_ago),
        outcome=BackupCheck.Outcome.SUCCEEDED if ok else BackupCheck.Outcome.FAILED,
        recorded_by_label="Test")
