"""Each asset's next review date, stored on the asset so that the duties count and list
reviews with plain comparisons on an index, not a date computed per asset on every read.

An asset falls due for review on its ``next_review_on`` when one is set; otherwise on its
last review plus the school's ``AssetSettings.review_interval_months`` (12 without
settings); never reviewed, on the day it was added (Europe/London) plus the interval.
Months are calendar months, the day clamped to the month's end (31 January plus one month
is 28 or 29 February). ``Asset.review_due_on`` keeps that date.

Every write that can change it calls ``refresh_review_due`` inside its own transaction: an
asset added or changed (its dates), the school's review interval changed, an import. It is
kept for archived assets too (they raise no duty, and the rule needs no exception). Each
such write reads the interval through ``locked_interval``, which holds the school's
settings row to the end of its transaction: a change of the interval and an import or an
asset edit then run one after the other. Without it, on PostgreSQL (READ COMMITTED) the
interval's refresh cannot see an import's uncommitted assets while the import computes
their dates with the old interval, and they keep a stale date.
``differences`` recomputes it from scratch for the ``recount-duty-facts`` command.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from schoolkeep.assets.models import Asset, AssetSettings
from schoolkeep.audit.actions import register_action_labels
from schoolkeep.audit.services import audit_record
from schoolkeep.duties.types import local_date
from schoolkeep.lib.bulk import Table
from schoolkeep.tenancy.models import School

DEFAULT_REVIEW_INTERVAL: int = AssetSettings._meta.get_field(
    "review_interval_months"
).get_default()
ACTION_LABELS = {"assets.review_due.repaired":
                 "Stored review dates of information assets repaired to match the rule"}
register_action_labels(ACTION_LABELS)
# Asset ids per SELECT: below SQLite's limit on parameters in one statement.
CHUNK = 500
_COLUMNS = ("pk", "school_id", "next_review_on", "last_reviewed_on", "created_at",
            "review_due_on")


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, the day clamped to the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due(*, next_review_on: date | None, last_reviewed_on: date | None,
               created_at: datetime, interval: int) -> date:
    """The rule of the module docstring for one asset."""
    if next_review_on is not None:
        return next_review_on
    return add_months(last_reviewed_on or local_date(created_at), interval)


def intervals(school_ids: Iterable[int]) -> dict[int, int]:
    """{school id: review interval in months} for these schools (one query)."""
    ids = list(set(school_ids))
    found = dict(AssetSettings.objects.filter(school_id__in=ids)
                 .values_list("school_id", "review_interval_months"))
    return {school_id: found.get(school_id, DEFAULT_REVIEW_INTERVAL) for school_id in ids}


def locked_interval(school: Any) -> int:
    """The school's review interval, its AssetSettings row taken FOR UPDATE until the end of
    the caller's transaction (the row made first when the school has none). ``school`` is a
    School or its id."""
    school_id = getattr(school, "pk", school)
    row = (AssetSettings.objects.select_for_update().filter(school_id=school_id)
           .values_list("review_interval_months", flat=True))
    found = row.first()
    if found is None:
        AssetSettings.objects.get_or_create(school_id=school_id)
        found = row.get()
    return found


def _rows(school_ids: list[int], asset_ids: list[int] | None) -> Iterator[tuple[Any, ...]]:
    assets: QuerySet[Asset] = Asset.objects.filter(school_id__in=school_ids).order_by()
    if asset_ids is None:
        yield from assets.values_list(*_COLUMNS).iterator(chunk_size=2000)
        return
    for start in range(0, len(asset_ids), CHUNK):
        yield from assets.filter(pk__in=asset_ids[start:start + CHUNK]).values_list(*_COLUMNS)


@dataclass(frozen=True)
class Difference:
    """An asset whose stored review date differs from the rule applied now."""

    asset_id: int
    school_id: int
    stored: date | None
    computed: date


def _differences(school_ids: list[int], asset_ids: list[int] | None,
                 interval: dict[int, int]) -> list[Difference]:
    found = []
    for pk, school_id, next_on, last_on, created_at, stored in _rows(school_ids, asset_ids):
        computed = review_due(next_review_on=next_on, last_reviewed_on=last_on,
                              created_at=created_at, interval=interval[school_id])
        if computed != stored:
            found.append(Difference(pk, school_id, stored, computed))
    return found


def refresh_review_due(school: Any, asset_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored review date of the school's assets (all, or only
    ``asset_ids``) and write those that differ; returns how many were written.

    ``school`` is a School or its id. Call it inside the transaction of the write that
    changed what the date depends on."""
    school_id = getattr(school, "pk", school)
    ids = None if asset_ids is None else sorted(set(asset_ids))
    if ids == []:
        return 0
    interval = {school_id: locked_interval(school_id)}
    return _write(_differences([school_id], ids, interval))


def _write(found: list[Difference]) -> int:
    Table(Asset).update([{"pk": d.asset_id, "review_due_on": d.computed} for d in found],
                        ["review_due_on"])
    return len(found)


def differences(school_ids: Iterable[int] | None = None) -> list[Difference]:
    """Every stored review date that differs from a full recomputation (all schools by
    default), in the order of the assets' ids."""
    if school_ids is None:
        ids = list(Asset.objects.order_by().values_list("school_id", flat=True).distinct())
    else:
        ids = list(set(school_ids))
    return sorted(_differences(ids, None, intervals(ids)), key=lambda d: d.asset_id) if ids else []


def repair(school_ids: Iterable[int] | None = None) -> list[Difference]:
    """Find every difference and write the computed dates, in one transaction; each school
    that had one records in its audit trail how many assets were repaired."""
    with transaction.atomic():
        found = differences(school_ids)
        _write(found)
        per_school: dict[int, int] = {}
        for difference in found:
            per_school[difference.school_id] = per_school.get(difference.school_id, 0) + 1
        for school in School.objects.filter(pk__in=list(per_school)).only("pk", "public_id",
                                                                          "name"):
            audit_record(action="assets.review_due.repaired", school=school, actor=None,
                         target_type="assets.register", target_id=str(school.public_id),
                         target_label=f"Information asset register of {school.name}",
                         changes={"assets": per_school[school.pk]})
    return found
