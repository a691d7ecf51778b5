"""Reads of the controls pages and API: the list's rows (each control's live state, from
``state.engine``), the requirements a control evidences in each current framework, a
control's attestations, one attestation of the school, and the members who may own a
control. Each reads a constant number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from schoolkeep.accounts.models import User
from schoolkeep.compliance.controls.services import owner_roles
from schoolkeep.compliance.models import Attestation, Control, Framework
from schoolkeep.compliance.state.engine import control_states
from schoolkeep.compliance.state.requirements import (
    SchoolRequirement,
    current_frameworks,
    requirements_for,
)
from schoolkeep.compliance.state.selectors import may_confirm
from schoolkeep.compliance.state.types import ControlState
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404


def control_rows(school: School, *, now: datetime, access: SchoolAccess | None = None,
                 viewer_id: int | None = None, state: str = "", kind: str = ""
                 ) -> list[ControlState]:
    """Every control of the school (built in and its own, not archived) with its state, in
    the controls' order; only those in ``state`` and of ``kind`` when given."""
    rows = list(control_states(school, now=now, access=access, viewer_id=viewer_id).values())
    return [row for row in rows
            if (not state or row.state == state) and (not kind or row.control.kind == kind)]


def may_attest_row(row: ControlState, access: SchoolAccess, user: Any) -> bool:
    """Whether the viewer may confirm this control (the rule of
    ``services.may_attest``), from what the state already holds: no query."""
    return row.control.kind == Control.Kind.ATTESTED and may_confirm(
        access, owner_user_id=row.owner_user_id, owner_role=row.owner_role, viewer_id=user.pk)


@dataclass(frozen=True)
class Evidenced:
    framework: Framework
    requirements: list[SchoolRequirement]


def evidenced_requirements(school: School, control: Control) -> list[Evidenced]:
    """The school's requirements (its own wording where it has one) that ``control``
    evidences, framework by framework (current frameworks only, in their order; those it
    evidences nothing in left out): three queries."""
    frameworks = current_frameworks()
    found = requirements_for(school.pk, frameworks)
    result = []
    for framework in frameworks:
        mine = [each for each in found.get(framework.pk, [])
                if any(c.pk == control.pk for c in each.requirement.controls.all())]
        if mine:
            result.append(Evidenced(framework, mine))
    return result


def attestations_of(school: School, control: Control) -> QuerySet[Attestation]:
    """The school's confirmations of ``control``, latest first (for a paginated table)."""
    return (Attestation.objects.filter(school=school, control=control)
            .order_by("-attested_on", "-created_at", "-pk"))


def attestation_for_school_or_404(school: School, public_id: UUID | str) -> Attestation:
    return get_for_school_or_404(Attestation.objects.select_related("control"), school=school,
                                 public_id=public_id)


def owner_choices(school: School) -> list[User]:
    """The school's active members (with active accounts) who may own a control
    (``services.owner_roles``), by name: one query."""
    return list(User.objects.filter(memberships__school=school, memberships__is_active=True,
                                    memberships__roles__role__in=owner_roles(),
                                    is_active=True)
                .order_by("full_name", "email", "pk").distinct())
