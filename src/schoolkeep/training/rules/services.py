"""Writes of the training rules: the school's settings (induction days, RPA membership and
the start of its year), and the audit event of each training matrix export."""

from __future__ import annotations

import calendar
from typing import Any

from django.db import transaction

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.training.models import TrainingSettings

SETTINGS_CHANGED = "training.settings.changed"
MATRIX_EXPORTED = "training.matrix.exported"
ACTION_LABELS = {
    SETTINGS_CHANGED: "Training settings changed",
    MATRIX_EXPORTED: "Training matrix exported",
}
SETTINGS_FIELDS = ["induction_days", "rpa_member", "rpa_year_start_month", "rpa_year_start_day"]


def _number(name: str, value: Any, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(message, field=name) from None
    if not low <= number <= high:
        raise DomainError(message, field=name)
    return number


def training_settings_update(*, school: School, actor: Any, version: int, induction_days: Any,
                             rpa_member: bool, rpa_year_start_month: Any,
                             rpa_year_start_day: Any) -> TrainingSettings:
    """Change the school's training settings (``training.manage``); audited."""
    days = _number("induction_days", induction_days, 1, 365,
                   "Enter a number of days, from 1 to 365.")
    month = _number("rpa_year_start_month", rpa_year_start_month, 1, 12, "Choose a month.")
    day = _number("rpa_year_start_day", rpa_year_start_day, 1, 31,
                  "Enter a day of the month, from 1 to 31.")
    # 29 February is allowed: in other years the year starts on the 28th.
    if day > (29 if month == 2 else calendar.monthrange(2001, month)[1]):
        raise DomainError(f"{calendar.month_name[month]} has no day {day}.",
                          field="rpa_year_start_day")
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="training.manage",
                           message="You may not change this school's training settings.")
        current, _ = TrainingSettings.objects.select_for_update().get_or_create(school=school)
        if current.version != version:
            raise stale_error(school=school, target=current, what="these settings")
        before = snapshot(current, SETTINGS_FIELDS)
        current.induction_days = days
        current.rpa_member = bool(rpa_member)
        current.rpa_year_start_month = month
        current.rpa_year_start_day = day
        full_clean_or_error(current)
        changes = diff(before, snapshot(current, SETTINGS_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*SETTINGS_FIELDS, "version"])
        audit_record(action=SETTINGS_CHANGED, school=school, actor=actor, target=current,
                     changes=changes)
    return current


def matrix_exported(*, school: School, actor: Any, people: int, courses: int) -> None:
    """Record that the training matrix was downloaded: it names people."""
    audit_record(action=MATRIX_EXPORTED, school=school, actor=actor,
                 target_type="training.matrix", target_label="Training matrix",
                 changes={"people": people, "courses": courses})
