"""A school's requirements of a framework: the published ones of its current version, each
replaced by the school's own wording where it has one, less those it withdrew, plus the
clauses it added. A school's rows belong to the framework's code, not to one version, so a
new version of the published text keeps them (an edit stands in for the code it replaces
while the new version still has that code).

An edit is the school's wording only: the advice (Schoolkeep's, where a clause is out of
date), its source and the order are always the current published row's, so a new version's
advice and order reach a requirement the school has reworded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from schoolkeep.compliance.models import Control, Framework, Requirement


@dataclass(frozen=True)
class SchoolRequirement:
    requirement: Requirement  # the row to show: the school's edit (with the published
    # advice, advice source and order), or the published one
    published: Requirement | None  # the published row it stands for (None: added)

    @property
    def edited(self) -> bool:
        return self.published is not None and self.requirement.pk != self.published.pk

    @property
    def added(self) -> bool:
        return self.published is None


def current_frameworks() -> list[Framework]:
    """The current version of every framework, in their order (one query)."""
    return list(Framework.objects.filter(is_current=True).order_by("order", "code"))


def _with_controls(queryset):  # type: ignore[no-untyped-def]
    controls = Control.objects.filter(archived_at__isnull=True).order_by("order", "title")
    return queryset.prefetch_related(Prefetch("controls", queryset=controls))


def requirements_for(school_id: int, frameworks: list[Framework]
                     ) -> dict[int, list[SchoolRequirement]]:
    """{framework pk: the school's requirements in order} for these (current) frameworks,
    in two queries (requirements, their controls) whatever their number."""
    if not frameworks:
        return {}
    by_code = {framework.code: framework for framework in frameworks}
    rows = list(_with_controls(
        Requirement.objects.filter(
            Q(framework__in=frameworks, school__isnull=True)
            | Q(framework__code__in=list(by_code), school_id=school_id))
        .select_related("framework").order_by("order", "code", "pk")))
    found: dict[int, list[SchoolRequirement]] = {framework.pk: [] for framework in frameworks}
    own = [row for row in rows if row.school_id is not None]
    replaced = {(row.framework.code, row.replaces_code): row for row in own if row.replaces_code}
    for row in rows:
        if row.school_id is not None:
            continue
        mine = replaced.get((row.framework.code, row.code))
        if mine is not None and mine.withdrawn:
            continue
        if mine is not None:  # the school's words, the published advice and order
            mine.advice, mine.advice_source, mine.order = (row.advice, row.advice_source,
                                                           row.order)
        found[row.framework_id].append(SchoolRequirement(mine or row, row))
    for row in own:
        if not row.replaces_code and not row.withdrawn:
            framework = by_code[row.framework.code]
            found[framework.pk].append(SchoolRequirement(row, None))
    for listed in found.values():
        listed.sort(key=lambda each: (each.requirement.order, each.requirement.code))
    return found


def withdrawn_for(school_id: int, framework: Framework) -> list[Requirement]:
    """The published requirements the school withdrew from its copy of ``framework``."""
    codes = Requirement.objects.filter(school_id=school_id, framework__code=framework.code,
                                       withdrawn=True).exclude(replaces_code="")
    return list(Requirement.objects.filter(framework=framework, school__isnull=True,
                                           code__in=codes.values("replaces_code")))
