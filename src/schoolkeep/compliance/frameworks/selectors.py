"""Reads of the frameworks pages: a framework or a requirement the school may see, the
clauses it withdrew, the scores the trend chart draws and its table lists, and the
trust's grid of schools by framework from their latest snapshots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from schoolkeep.compliance.models import Framework, Requirement, Snapshot, State
from schoolkeep.compliance.state.requirements import withdrawn_for
from schoolkeep.compliance.state.types import ControlState, FrameworkState, RequirementState
from schoolkeep.lib.links import url_for_each
from schoolkeep.tenancy.models import School

STATE_TAGS = {State.MET: "tag-green", State.PARTLY: "tag-yellow", State.NOT_MET: "tag-red",
              State.NOT_ASSESSED: "tag-grey"}
STATE_ORDER = [State.NOT_MET, State.PARTLY, State.NOT_ASSESSED, State.MET]


def tag_for(state: str) -> str:
    return STATE_TAGS.get(State(state), "tag-grey")


def framework_or_404(code: str) -> Framework:
    """The current version of the framework ``code``."""
    found = Framework.objects.filter(code=code, is_current=True).first()
    if found is None:
        raise Http404("No such framework")
    return found


def requirement_for_school_or_404(school: School, public_id: UUID | str) -> Requirement:
    """A requirement the school may act on: a published one of a current framework, or one
    of the school's own rows (an edit, a withdrawal or a clause it added) of a framework in
    use. Another school's row, an earlier version's published row or an unknown id: 404."""
    found = (Requirement.objects.select_related("framework")
             .filter(Q(school__isnull=True, framework__is_current=True) | Q(school=school),
                     public_id=public_id).first())
    if found is None or (found.school_id is not None and not Framework.objects.filter(
            code=found.framework.code, is_current=True).exists()):
        raise Http404("No such requirement")
    return found


@dataclass(frozen=True)
class Withdrawn:
    """A clause the school's copy leaves out, and the row to put back."""

    requirement: Requirement
    added: bool  # a clause the school added itself (else a published one)


def withdrawn(school: School, framework: Framework) -> list[Withdrawn]:
    """The published clauses the school withdrew, then those it added and withdrew (two
    queries)."""
    published = [Withdrawn(row, False) for row in withdrawn_for(school.pk, framework)]
    added = Requirement.objects.filter(school=school, framework__code=framework.code,
                                       replaces_code="", withdrawn=True
                                       ).order_by("order", "code")
    return published + [Withdrawn(row, True) for row in added]


def sections(state: FrameworkState) -> list[tuple[str, list[RequirementState]]]:
    """The requirements grouped by their section, in the order each section first appears
    (a clause the school added joins its section)."""
    groups: dict[str, list[RequirementState]] = {}
    for each in state.requirements:
        groups.setdefault(each.requirement.section, []).append(each)
    return list(groups.items())


@dataclass(frozen=True)
class ControlRow:
    cs: ControlState
    url: str  # its page, for the current school ("" elsewhere)


@dataclass(frozen=True)
class RequirementRow:
    rs: RequirementState
    controls: list[ControlRow]
    edit_url: str = ""  # the forms, for compliance.manage in the current school
    withdraw_url: str = ""
    restore_url: str = ""  # a published requirement the school reworded

    @property
    def missing(self) -> list[ControlRow]:
        """Its controls less than met, with why (the reasons of each)."""
        return [row for row in self.controls if row.cs.state != State.MET]


def section_rows(state: FrameworkState, *, current: bool, can_manage: bool
                 ) -> list[tuple[str, list[RequirementRow]]]:
    """``sections`` with each requirement's controls and links (reversed once a page)."""
    control = link_maker("compliance:control-detail") if current else (lambda _: "")
    edit, withdraw, restore = (url_for_each(f"compliance:requirement-{verb}")
                               for verb in ("edit", "withdraw", "restore"))
    result = []
    for section, states in sections(state):
        rows = []
        for each in states:
            key = each.requirement.public_id
            rows.append(RequirementRow(
                each, [ControlRow(cs, control(cs.control.public_id)) for cs in each.controls],
                edit_url=edit(key) if can_manage else "",
                withdraw_url=withdraw(key) if can_manage else "",
                restore_url=restore(key) if can_manage and each.edited else ""))
        result.append((section, rows))
    return result


def not_met_controls(states: dict[int, ControlState]) -> list[ControlState]:
    """The controls not met, in the controls' order."""
    return [each for each in states.values() if each.state == State.NOT_MET]


def link_maker(name: str) -> Callable[[Any], str]:
    """``url_for_each(name)``, or links to nowhere ("") while that page does not exist."""
    try:
        return url_for_each(name)
    except NoReverseMatch:
        return lambda public_id: ""


# --- the trend's table ---------------------------------------------------------------------


MAX_DRAWN = 60  # up to this many scores, the chart draws each and the table lists each


@dataclass(frozen=True)
class MonthPoint:
    month: date  # the first day of the month
    snapshot: Snapshot  # the month's latest (in a table of every score: that day's)

    @property
    def percent(self) -> int:
        return self.snapshot.score_permille // 10


def monthly(snapshots: Sequence[Snapshot]) -> list[MonthPoint]:
    """The latest snapshot of each month, oldest first (the current month: so far)."""
    latest: dict[date, Snapshot] = {}
    for snapshot in sorted(snapshots, key=lambda row: row.taken_on):
        latest[snapshot.taken_on.replace(day=1)] = snapshot
    return [MonthPoint(month, row) for month, row in latest.items()]


def trend_rows(snapshots: Sequence[Snapshot]) -> tuple[list[MonthPoint], bool]:
    """The scores the chart draws and its table lists, the same ones, oldest first, and
    whether they are the latest of each month: every score while there are at most
    ``MAX_DRAWN`` (a table a person can read), else the latest score of each month."""
    ordered = sorted(snapshots, key=lambda row: row.taken_on)
    if len(ordered) <= MAX_DRAWN:
        return [MonthPoint(row.taken_on.replace(day=1), row) for row in ordered], False
    return monthly(ordered), True


# --- the trust's grid ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrustCell:
    framework: Framework
    snapshot: Snapshot | None  # None: not worked out yet
    url: str  # the school's framework page

    @property
    def percent(self) -> int | None:
        return None if self.snapshot is None else self.snapshot.score_permille // 10


@dataclass
class TrustRow:
    school: School
    cells: list[TrustCell] = field(default_factory=list)  # one per framework
    can_refresh: bool = False
    is_current: bool = False

    @property
    def worst(self) -> int:
        """The lowest score of the row (-1 when a framework has no snapshot yet, so that a
        school nobody has worked out comes first)."""
        return min((-1 if cell.snapshot is None else cell.snapshot.score_permille
                    for cell in self.cells), default=-1)

    @property
    def taken_at(self) -> Any:
        """When the row's figures were worked out (the oldest of its snapshots)."""
        found = [cell.snapshot.taken_at for cell in self.cells if cell.snapshot is not None]
        return min(found) if found else None

    @property
    def missing(self) -> bool:
        return any(cell.snapshot is None for cell in self.cells)


SLUG, CODE = "school-slug-here", "framework-code-here"


def trust_rows(accesses: Sequence[Any], frameworks: Sequence[Framework],
               latest: dict[tuple[int, str], Snapshot], *, current_school_id: int
               ) -> list[TrustRow]:
    """A row per school (``accesses``: the viewer's, holding compliance.view), a cell per
    framework from ``latest``, worst score first, then by name. A cell of the current
    school opens its framework page; another school's, that school's page read without
    switching (each URL reversed once a page)."""
    own = {framework.code: reverse("compliance:framework-detail", args=[framework.code])
           for framework in frameworks}
    other = reverse("compliance:school-framework", args=[SLUG, CODE])
    rows = []
    for access in accesses:
        school = access.school
        current = school.pk == current_school_id
        cells = [TrustCell(framework, latest.get((school.pk, framework.code)),
                           own[framework.code] if current else
                           other.replace(SLUG, school.slug).replace(CODE, framework.code))
                 for framework in frameworks]
        rows.append(TrustRow(school, cells, can_refresh=access.can("compliance.refresh"),
                             is_current=current))
    return sorted(rows, key=lambda row: (row.worst, row.school.name.casefold(), row.school.pk))
