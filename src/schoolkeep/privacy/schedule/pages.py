"""What the schedule's pages show, built in a constant number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from schoolkeep.privacy.legacy import LEGACY_NOTE
from schoolkeep.privacy.schedule.due import DueGroup, due_groups
from schoolkeep.privacy.schedule.models import (
    AssetRecordType,
    LegacyRetentionText,
    RecordType,
    RecordTypeReview,
)
from schoolkeep.privacy.schedule.rules import describe_period
from schoolkeep.privacy.schedule.selectors import (
    ORIGIN_LABELS,
    SCHOOL,
    SHIPPED,
    TRUST,
    effective_schedule,
    origin_of,
)
from schoolkeep.tenancy.models import Organisation, School

ORIGIN_WORDS = {SHIPPED: "Schoolkeep's starting schedule", TRUST: "the trust's schedule",
                SCHOOL: "its own period"}
PER_PAGE = 50


@dataclass(frozen=True)
class TypeRow:
    record_type: RecordType
    period: str
    origin: str
    origin_label: str
    assets: int
    last_reviewed_on: date | None


def _ident(row: RecordType) -> str | int:
    return row.key or row.pk


def _rows(school: School, schedule: list[RecordType]) -> list[TypeRow]:
    """The schedule's rows with their linked assets and last review (two queries)."""
    keys = [row.key for row in schedule if row.key]
    own_ids = [row.pk for row in schedule if not row.key]
    held: dict[str | int, int] = {}
    for key, record_type_id, count in (
            AssetRecordType.objects
            .filter(Q(record_type__key__in=keys) | Q(record_type_id__in=own_ids),
                    asset__school=school, asset__archived_at__isnull=True)
            .values("record_type__key", "record_type_id").annotate(n=Count("asset_id"))
            .values_list("record_type__key", "record_type_id", "n").order_by()):
        ident: str | int = key or record_type_id
        held[ident] = held.get(ident, 0) + count
    reviewed: dict[str | int, date] = {}
    for key, record_type_id, last in (
            RecordTypeReview.objects.filter(school=school)
            .values("key", "record_type_id").annotate(last=Max("reviewed_on"))
            .values_list("key", "record_type_id", "last").order_by()):
        ident = key or record_type_id
        reviewed[ident] = max(last, reviewed.get(ident, last))
    return [TypeRow(row, describe_period(row), origin_of(row), ORIGIN_LABELS[origin_of(row)],
                    held.get(_ident(row), 0), reviewed.get(_ident(row)))
            for row in schedule]


def schedule_context(school: School) -> dict[str, Any]:
    rows = _rows(school, effective_schedule(school))
    legacy = (LegacyRetentionText.objects
              .filter(asset__school=school, asset__archived_at__isnull=True,
                      asset__record_type_links__isnull=True).count())
    return {"school_rows": [row for row in rows if not row.record_type.schoolkeep_own],
            "own_rows": [row for row in rows if row.record_type.schoolkeep_own],
            "legacy_count": legacy, "legacy_note": LEGACY_NOTE}


def type_context(school: School, record_type: RecordType) -> dict[str, Any]:
    row = _rows(school, [record_type])[0]
    reviews = list(RecordTypeReview.objects.filter(
        Q(key=record_type.key) if record_type.key else Q(record_type=record_type),
        school=school)[:10])
    assets = list(AssetRecordType.objects.filter(
        Q(record_type__key=record_type.key) if record_type.key
        else Q(record_type=record_type),
        asset__school=school, asset__archived_at__isnull=True)
        .values_list("asset__public_id", "asset__name").order_by("asset__name")[:100])
    return {"row": row, "record_type": record_type, "reviews": reviews,
            "assets": [(reverse("assets:asset-detail", args=[public_id]), name)
                       for public_id, name in assets],
            "can_reset": origin_of(record_type) == SCHOOL and bool(record_type.key)}


def record_url(group: DueGroup) -> str:
    """E's form for a destruction, filled in for this group ("" until it exists)."""
    try:
        base = reverse("destructions:destruction-record")
    except NoReverseMatch:
        return ""
    return base + "?" + urlencode({
        "asset": str(group.asset_public_id), "record_type": str(group.record_type.public_id),
        "records_from": group.records_from.isoformat(),
        "records_to": group.records_to.isoformat()})


def due_context(request: Any) -> dict[str, Any]:
    school = request.school
    groups = due_groups([school.pk], today=timezone.localdate()).get(school.pk, [])
    page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
    return {"page": page, "groups": [(group, record_url(group), reverse(
        "assets:asset-detail", args=[group.asset_public_id])) for group in page.object_list]}


def trust_rows(organisation: Organisation) -> list[TypeRow]:
    """The starting schedule as the trust's schools follow it (one query): the trust's row
    of a key where it has one, else the shipped row."""
    rows = list(RecordType.objects.filter(
        Q(school__isnull=True, organisation__isnull=True) | Q(organisation=organisation),
        archived_at__isnull=True).exclude(key=""))
    chosen: dict[str, RecordType] = {}
    for row in rows:
        if row.key not in chosen or row.organisation_id is not None:
            chosen[row.key] = row
    return [TypeRow(row, describe_period(row), origin_of(row), ORIGIN_LABELS[origin_of(row)],
                    0, None)
            for row in sorted(chosen.values(), key=lambda row: row.name.lower())]


def trust_row_or_404(organisation: Organisation, public_id: UUID) -> RecordType:
    for row in trust_rows(organisation):
        if row.record_type.public_id == public_id:
            return row.record_type
    raise Http404("Not found")
