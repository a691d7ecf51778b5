"""What the erasure page reads: what Schoolkeep would erase in this school, what waits and
why, and the DPO's holds. A few queries per provider, however many records are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from schoolkeep.privacy.erasure.models import ErasureHold
from schoolkeep.privacy.erasure.registry import DueItem, providers


@dataclass(frozen=True)
class DueRow:
    item: DueItem
    waits_because: str  # "" when it would be erased at the next run


@dataclass(frozen=True)
class Overview:
    rows: list[DueRow]  # the oldest first, at most ``limit``
    more: bool  # more are due than are shown


def erasure_overview(school: Any, *, today: date, limit: int = 50) -> Overview:
    """The first ``limit`` records due (oldest period end first) across the providers."""
    rows: list[DueRow] = []
    more = False
    for provider in providers():
        items = provider.due(school, today=today, limit=limit + 1)
        if len(items) > limit:
            more, items = True, items[:limit]
        holds = provider.holds(school, items) if items else {}
        rows += [DueRow(item, holds.get(item.pk, "")) for item in items]
    rows.sort(key=lambda row: (row.item.ends_on, row.item.provider, row.item.pk))
    return Overview(rows=rows[:limit], more=more or len(rows) > limit)


def active_holds(school: Any) -> QuerySet[ErasureHold]:
    return (ErasureHold.objects.filter(school=school, released_at__isnull=True)
            .select_related("person").order_by("-created_at"))


def hold_for_school_or_404(school: Any, public_id: Any) -> ErasureHold:
    return get_object_or_404(ErasureHold, school=school, public_id=public_id)
