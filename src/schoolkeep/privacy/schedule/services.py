"""Writes of the retention schedule: a school adjusts a record type (its own row replaces the
trust's or the shipped one of that key), adds a type of its own, goes back to the trust's or
the shipped period, and records its yearly review of a type; a trust's administrator adjusts
the trust's schedule (``trust.rules.manage``), which every school of the trust follows unless
it has its own row.

Every write checks the permission, validates (a DomainError naming the field), keeps the
version it read (a newer one is refused as stale) and is audited in the same transaction.
Labels name the record type, never a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.lib.validation import clean_text, full_clean_or_error
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import (
    RecordType,
    RecordTypeReview,
    RetentionAction,
    RetentionEvent,
)
from schoolkeep.privacy.schedule.rules import add_months, retention_ends_on
from schoolkeep.privacy.schedule.selectors import effective_schedule
from schoolkeep.tenancy.guards import require_organisation_permission, require_permission
from schoolkeep.tenancy.models import Organisation, School
from schoolkeep.tenancy.services import audit_in_every_school

ACTION_LABELS = {
    "retention.type-adjusted": "Record type's period adjusted",
    "retention.type-added": "Record type added to the schedule",
    "retention.type-reset": "Record type back to the trust's or the starting period",
    "retention.type-reviewed": "Record type reviewed",
    "retention.trust-type-adjusted": "Record type adjusted for the trust's schools",
}

FIELDS = ("name", "description", "event", "years", "months", "days", "action", "source")
LIMITS = {"years": 150, "months": 11 * 12, "days": 3650}
NOTE_MAX = 2000


@dataclass(frozen=True)
class Period:
    """What a school or a trust may set on a record type."""

    name: str
    description: str
    event: str
    years: int
    months: int
    days: int
    action: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in FIELDS}


def _whole(value: Any, field: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DomainError("Enter a whole number.", field=field)
    try:
        number = int(value)
    except ValueError:
        raise DomainError("Enter a whole number.", field=field) from None
    if number < 0 or number > LIMITS[field]:
        raise DomainError(f"Enter a number from 0 to {LIMITS[field]:,}.", field=field)
    return number


def clean_period(fields: dict[str, Any]) -> Period:
    """The period's fields checked, each error naming its field."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("This cannot be set on a record type.", field=field)
    event = str(fields.get("event") or "")
    if event not in RetentionEvent.values:
        raise DomainError("Choose the event the period runs from.", field="event")
    action = str(fields.get("action") or "")
    if action not in RetentionAction.values:
        raise DomainError("Choose what happens at the end of the period.", field="action")
    period = Period(
        name=clean_text(fields.get("name"), field="name", label="the record type's name",
                        limit=200, required=True),
        description=clean_text(fields.get("description"), field="description",
                               label="the description", limit=NOTE_MAX),
        event=event, years=_whole(fields.get("years"), "years"),
        months=_whole(fields.get("months"), "months"), days=_whole(fields.get("days"), "days"),
        action=action,
        source=clean_text(fields.get("source"), field="source", label="the source",
                          limit=NOTE_MAX))
    if not (period.years or period.months or period.days):
        raise DomainError("Enter how long the records are kept (years, months or days).",
                          field="years")
    return period


# Schoolkeep's own types: Schoolkeep erases them (privacy.erasure), so the end is always
# "destroy", and a floor keeps a slip of the keyboard from erasing what is still needed.
OWN_FLOORS = {keys.OWN_LEAVERS: (1, 0, "1 year")}
OWN_FLOOR = (0, 30, "30 days")
FLOOR_REFERENCE = date(2001, 1, 1)


def own_floor(key: str) -> str:
    """The shortest period a school or a trust may set on Schoolkeep's own type ``key``."""
    return OWN_FLOORS.get(key, OWN_FLOOR)[2]


def _check_keyed(current: RecordType, period: Period) -> None:
    """A starting type keeps its event (Schoolkeep and the erasure read the event it
    knows); Schoolkeep's own types are always destroyed, after at least their floor."""
    if current.key and period.event != current.event:
        raise DomainError("A starting type keeps the event its period runs from; add a type "
                          "of your own for records kept from another event.", field="event")
    if not current.schoolkeep_own:
        return
    if period.action != RetentionAction.DESTROY:
        raise DomainError("Schoolkeep erases its own records at the end of their period: the "
                          "action is always destroy.", field="action")
    years, days, words = OWN_FLOORS.get(current.key, OWN_FLOOR)
    floor = add_months(FLOOR_REFERENCE, 12 * years) + timedelta(days=days)
    if retention_ends_on(period, FLOOR_REFERENCE) < floor:
        raise DomainError(f"Keep these records for at least {words}.", field="years")


def _values(record_type: RecordType) -> dict[str, Any]:
    return {field: getattr(record_type, field) for field in FIELDS}


def _require(school: School, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="retention.manage",
                       message="Only the DPO or the SIRO can change the school's schedule.")


def _check_version(record_type: RecordType, version: object) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        raise DomainError("The form's version is missing: reload the page.", field="version")
    if version != record_type.version:
        raise StaleVersion("Someone else changed this record type while you were editing "
                           "it. Reload the page to see their change, then make yours "
                           "again.", field="version")


def _in_force(school: School, record_type: RecordType) -> RecordType:
    """``record_type`` if it is in the school's schedule (else the caller's error)."""
    if record_type.pk not in {row.pk for row in effective_schedule(school)}:
        raise DomainError("This record type is not in the school's schedule.",
                          field="record_type")
    return record_type


def _label(record_type: RecordType) -> str:
    return f"Record type: {record_type.name}"


def record_type_adjust(*, school: School, actor: Any, record_type: RecordType, version: int,
                       **fields: Any) -> RecordType:
    """Set the period of a type in force at the school: the school's own row is changed; a
    trust's or a shipped row is left as it is and the school gets its own row of that key,
    which replaces it for this school only."""
    _require(school, actor)
    period = clean_period({**_values(record_type), **fields})
    with transaction.atomic():
        current = RecordType.objects.select_for_update().get(pk=record_type.pk)
        _in_force(school, current)
        _check_version(current, version)
        _check_keyed(current, period)
        before = _values(current)
        if current.school_id == school.pk:
            row = current
            for field, value in period.as_dict().items():
                setattr(row, field, value)
            row.version += 1
        else:
            row = RecordType(school=school, key=current.key,
                             schoolkeep_own=current.schoolkeep_own, **period.as_dict())
        full_clean_or_error(row)
        row.save()
        audit_record(action="retention.type-adjusted", school=school, actor=actor,
                     target=row, target_label=_label(row), changes=diff(before, _values(row)))
    return row


def record_type_add(*, school: School, actor: Any, **fields: Any) -> RecordType:
    """A record type of the school's own (no key: no shipped row to follow)."""
    _require(school, actor)
    period = clean_period(fields)
    with transaction.atomic():
        row = RecordType(school=school, **period.as_dict())
        full_clean_or_error(row)
        row.save()
        audit_record(action="retention.type-added", school=school, actor=actor, target=row,
                     target_label=_label(row), changes=diff(None, _values(row)))
    return row


def record_type_reset(*, school: School, actor: Any, record_type: RecordType,
                      version: int | None) -> RecordType:
    """Archive the school's adjustment of a shipped type: the school follows the trust's or
    the starting period again. Returns the row now in force."""
    _require(school, actor)
    with transaction.atomic():
        current = RecordType.objects.select_for_update().get(pk=record_type.pk)
        if current.school_id != school.pk or not current.key or current.archived_at:
            raise DomainError("Only the school's own adjustment of a starting type can be "
                              "reset.", field="record_type")
        _check_version(current, version)
        current.archived_at = timezone.now()
        current.version += 1
        current.save(update_fields=["archived_at", "version", "updated_at"])
        followed = next(row for row in effective_schedule(school) if row.key == current.key)
        audit_record(action="retention.type-reset", school=school, actor=actor,
                     target=current, target_label=_label(current),
                     changes=diff(_values(current), _values(followed)))
    return followed


def record_type_review(*, school: School, actor: Any, record_type: RecordType,
                       reviewed_on: date | None, note: str = "") -> RecordTypeReview:
    """The school's yearly review of a type of its schedule."""
    _require(school, actor)
    if not isinstance(reviewed_on, date):
        raise DomainError("Enter the date of the review.", field="reviewed_on")
    if reviewed_on > timezone.localdate():
        raise DomainError("The review's date cannot be in the future.", field="reviewed_on")
    note = clean_text(note, field="note", label="the note", limit=NOTE_MAX)
    with transaction.atomic():
        _in_force(school, record_type)
        review = RecordTypeReview(school=school, record_type=record_type,
                                  key=record_type.key, reviewed_on=reviewed_on, note=note)
        full_clean_or_error(review)
        review.save()
        audit_record(action="retention.type-reviewed", school=school, actor=actor,
                     target=record_type, target_label=_label(record_type),
                     changes={"reviewed_on": {"before": None, "after": reviewed_on.isoformat()}})
    return review


def trust_record_type_adjust(*, organisation: Organisation, actor: Any,
                             record_type: RecordType, version: int,
                             **fields: Any) -> RecordType:
    """Set the trust's period of a shipped type (or change the trust's row): every school of
    the trust without a row of its own follows it. Audited in each school's trail."""
    require_organisation_permission(
        organisation=organisation, actor=actor, permission="trust.rules.manage",
        message="Only the trust's administrator can change the trust's schedule.")
    period = clean_period({**_values(record_type), **fields})
    with transaction.atomic():
        current = RecordType.objects.select_for_update().get(pk=record_type.pk)
        shipped = current.school_id is None and current.organisation_id is None
        if not current.key or not (shipped or current.organisation_id == organisation.pk):
            raise DomainError("The trust can adjust only the starting schedule's types.",
                              field="record_type")
        if shipped and RecordType.objects.filter(organisation=organisation, key=current.key,
                                                 archived_at__isnull=True).exists():
            raise StaleVersion("The trust already has its own period for this type: reload "
                               "the page.", field="version")
        _check_version(current, version)
        _check_keyed(current, period)
        before = _values(current)
        if shipped:
            row = RecordType(organisation=organisation, key=current.key,
                             schoolkeep_own=current.schoolkeep_own, **period.as_dict())
        else:
            row = current
            for field, value in period.as_dict().items():
                setattr(row, field, value)
            row.version += 1
        full_clean_or_error(row)
        row.save()
        audit_in_every_school(organisation=organisation,
                              action="retention.trust-type-adjusted", actor=actor,
                              target=row, target_label=f"{_label(row)} (the trust's schools)",
                              changes=diff(before, _values(row)))
    return row
