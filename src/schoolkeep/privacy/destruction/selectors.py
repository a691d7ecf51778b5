"""Reading the destruction log: the school's entries, filtered by record type, method and
year, newest first; one entry by its id (another school's is a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404


@dataclass(frozen=True)
class LogFilters:
    record_type_id: int | None = None
    method: str = ""
    year: int | None = None


def destruction_list(*, school: School,
                     filters: LogFilters = LogFilters()) -> QuerySet[Destruction]:
    rows = Destruction.objects.filter(school=school)
    if filters.record_type_id is not None:
        rows = rows.filter(record_type_id=filters.record_type_id)
    if filters.method:
        rows = rows.filter(method=filters.method)
    if filters.year is not None:
        rows = rows.filter(destroyed_on__year=filters.year)
    return (rows.select_related("record_type", "asset", "disposal")
            .order_by("-destroyed_on", "-id"))


def years_with_entries(school: School) -> list[int]:
    """The years with at least one destruction, newest first (one query)."""
    return list(Destruction.objects.filter(school=school)
                .annotate(year=ExtractYear("destroyed_on")).order_by("-year")
                .values_list("year", flat=True).distinct())


def destruction_for_page(*, school: School, public_id: UUID | Any) -> Destruction:
    queryset = Destruction.objects.select_related("record_type", "asset", "disposal",
                                                  "disposal__company")
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


# Controls whose evidence the destruction log is (compliance's catalogue codes): confidential
# paper destroyed, drives disposed of with a certificate.
EVIDENCE_CONTROLS = frozenset({"shredding", "disposals-certified"})


@dataclass(frozen=True)
class LogSummary:
    last: Destruction | None  # the latest destruction (by the day destroyed)
    this_year: int  # entries destroyed this school year
    year_starts_on: date


def log_summary(school: School, *, today: date) -> LogSummary:
    """The last destruction logged and how many this school year (from 1 September): two
    queries, for the compliance evidence of the controls the log shows."""
    starts = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    entries = Destruction.objects.filter(school=school)
    return LogSummary(
        last=entries.order_by("-destroyed_on", "-pk").first(),
        this_year=entries.filter(destroyed_on__gte=starts, destroyed_on__lte=today).count(),
        year_starts_on=starts)
