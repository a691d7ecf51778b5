"""The schedule in force for a school: its own rows over its trust's over the shipped ones.

A record type is shipped (no organisation, no school), a trust's (organisation set) or a
school's (school set). A trust's or a school's row with a shipped row's ``key`` adjusts that
type; a row without a key is a type of their own. The most specific row of each key is the one
in force; archived rows are not in force.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from schoolkeep.privacy.schedule.models import RecordType

SHIPPED = "shipped"
TRUST = "trust"
SCHOOL = "school"
ORIGIN_LABELS = {SHIPPED: "Schoolkeep's starting schedule", TRUST: "The trust's schedule",
                 SCHOOL: "The school's own"}


def origin_of(record_type: RecordType) -> str:
    """Where a row of the schedule comes from: ``shipped``, ``trust`` or ``school``."""
    if record_type.school_id is not None:
        return SCHOOL
    if record_type.organisation_id is not None:
        return TRUST
    return SHIPPED


def _candidates(school) -> QuerySet[RecordType]:
    owners = Q(school__isnull=True, organisation__isnull=True) | Q(school=school)
    if school.organisation_id is not None:
        owners |= Q(school__isnull=True, organisation_id=school.organisation_id)
    return RecordType.objects.filter(owners, archived_at__isnull=True)


_RANK = {SCHOOL: 0, TRUST: 1, SHIPPED: 2}


def _most_specific(rows) -> list[RecordType]:
    chosen: dict[str, RecordType] = {}
    unkeyed: list[RecordType] = []
    for row in rows:
        if not row.key:
            unkeyed.append(row)
            continue
        held = chosen.get(row.key)
        if held is None or _RANK[origin_of(row)] < _RANK[origin_of(held)]:
            chosen[row.key] = row
    return list(chosen.values()) + unkeyed


def effective_record_type(school, key: str) -> RecordType:
    """The row of ``key`` in force for ``school`` (one query). Raises
    ``RecordType.DoesNotExist`` only for a key neither shipped nor adjusted."""
    rows = _most_specific(_candidates(school).filter(key=key))
    if not rows:
        raise RecordType.DoesNotExist(f"No record type {key!r} in the schedule")
    return rows[0]


def effective_schedule(school, *, include_own: bool = True) -> list[RecordType]:
    """Every record type in force for ``school``, by name (one query). ``include_own=False``
    leaves out Schoolkeep's own records (leavers, signing links...), which no asset holds."""
    rows = _candidates(school)
    if not include_own:
        rows = rows.filter(schoolkeep_own=False)
    return sorted(_most_specific(rows), key=lambda row: (row.name.lower(), row.pk))


def effective_by_key(school) -> dict[str, RecordType]:
    """The keyed rows in force for ``school``, by key (one query)."""
    return {row.key: row for row in effective_schedule(school) if row.key}


def shipped_row(key: str) -> RecordType | None:
    return RecordType.objects.filter(key=key, school__isnull=True,
                                     organisation__isnull=True).first()
