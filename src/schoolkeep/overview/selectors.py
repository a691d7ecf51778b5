"""Reading the overview: each school's measures by area, and its duties counted.

Query counts do not grow with the schools: each measure provider answers once for every
school shown (one aggregate each), and the duties are counted by
``duties.selectors.counts_for_schools`` (one aggregate per duty provider).

What a viewer sees is decided per school from their roles there: a provider whose
``view_permission`` they lack in a school is not asked about that school, and the page says
in words which figures are left out (``SchoolOverview.hidden``), as it does for duties of
modules they may not see (``hidden_duties``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from schoolkeep.duties import registry as duties_registry
from schoolkeep.duties.selectors import counts_for_schools, total
from schoolkeep.duties.types import DutyCounts
from schoolkeep.overview import registry
from schoolkeep.overview.types import Area, Figure, Figures, Rag, worst
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School

PERMISSION = "overview.view"


@dataclass(frozen=True)
class AreaFigures:
    """One area of one school: its measures' figures, in the order they were declared."""

    area: Area
    figures: list[Figure]

    @property
    def rag(self) -> Rag:
        return worst([figure.rag for figure in self.figures])

    @property
    def short_of(self) -> int:
        return sum(figure.short_of for figure in self.figures if figure.present)

    @property
    def met(self) -> int:
        return sum(figure.met for figure in self.figures if figure.present)

    @property
    def total(self) -> int:
        return sum(figure.total for figure in self.figures if figure.present)


@dataclass(frozen=True)
class SchoolOverview:
    access: SchoolAccess
    areas: list[AreaFigures]
    hidden: list[str]  # labels of the measure providers this viewer does not see here
    duties: DutyCounts  # overdue and due soon, of the modules this viewer sees here
    hidden_duties: list[str]  # labels of the duty modules not counted for this viewer

    @property
    def school(self) -> School:
        return self.access.school

    def area(self, key: str) -> AreaFigures | None:
        return next((found for found in self.areas if found.area.key == key), None)


def overview_accesses(access_list: Sequence[SchoolAccess]) -> list[SchoolAccess]:
    """The viewer's schools whose overview they may see, in the order of their access list."""
    return [access for access in access_list if access.can(PERMISSION)]


def overviews(accesses: Sequence[SchoolAccess], now: datetime) -> list[SchoolOverview]:
    """Each school's overview for this viewer: one aggregate per measure provider and one
    per duty provider, whatever the number of schools."""
    if not accesses:
        return []
    asked: dict[str, Figures] = {}
    for provider in registry.providers():
        ids = [access.school.pk for access in accesses if access.can(provider.view_permission)]
        asked[provider.module] = provider.figures(ids, now=now) if ids else {}
    duties = counts_for_schools([access.school.pk for access in accesses], now)
    return [_school(access, asked, duties[access.school.pk]) for access in accesses]


def _school(access: SchoolAccess, asked: dict[str, Figures],
            duties: dict[str, DutyCounts]) -> SchoolOverview:
    school_id = access.school.pk
    per_area: dict[str, list[Figure]] = {}
    hidden = []
    for provider in registry.providers():
        if not access.can(provider.view_permission):
            hidden.append(provider.label)
            continue
        found = asked[provider.module].get(school_id, {})
        for spec in provider.specs:
            met, count, *pending = found.get(spec.key, (0, 0))
            per_area.setdefault(spec.area, []).append(
                Figure(spec, met, count, present=spec.key in found, pending=sum(pending)))
    areas = [AreaFigures(area, per_area[area.key]) for area in registry.areas()
             if area.key in per_area]
    seen = {module: counts for module, counts in duties.items()
            if access.can(duties_registry.view_permission_for(module))}
    hidden_duties = [duties_registry.label_for(module) for module in duties if module not in seen]
    return SchoolOverview(access, areas, hidden, total(seen), hidden_duties)
