"""Reads of the recovery plan: the plan row (or None), its contacts in order, the school's
systems in the order to restore them, its tests (the log, paginated) and what the page and
the card show. A constant number of queries whatever the number of contacts, scopes or
tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet

from schoolkeep.continuity.models import PlanContact, PlanTest, RecoveryPlan, Scope
from schoolkeep.continuity.plan.status import PlanStatus, status_for_school
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders

TESTS_PER_PAGE = 25


def plan_of(school: School) -> RecoveryPlan | None:
    return RecoveryPlan.objects.filter(school=school).first()


def contacts(school: School) -> list[PlanContact]:
    return list(PlanContact.objects.filter(school=school).order_by("position", "id"))


def contacts_full(school: School, most: int) -> bool:
    """Whether the plan lists ``most`` contacts already (no more can be added)."""
    return PlanContact.objects.filter(school=school).count() >= most


def plan_keepers(school: School) -> list[str]:
    """The names of the school's SIROs, who keep the plan: whom the card tells members who
    cannot open the plan to ask for it. One query."""
    holders = active_role_holders(school=school, roles=[Role.SIRO.value])[Role.SIRO.value]
    return [user.full_name or user.email for user in holders]


def restore_scopes(school: School) -> list[Scope]:
    """The school's unarchived scopes: those in the restore order first (1 first), then the
    others by name."""
    return list(Scope.objects.filter(school=school, archived_at__isnull=True)
                .order_by(F("restore_order").asc(nulls_last=True), "name_key", "id"))


def tests(school: School) -> QuerySet[PlanTest]:
    return PlanTest.objects.filter(school=school).order_by("-tested_on", "-id")


def tests_page(school: School, number: Any) -> Page:
    return Paginator(tests(school), TESTS_PER_PAGE).get_page(number)


@dataclass(frozen=True)
class PlanSummary:
    plan: RecoveryPlan | None
    status: PlanStatus
    next_test_due: date
    overdue: bool

    @property
    def has_document(self) -> bool:
        return bool(self.plan and self.plan.document_stored_name)


def summary(school: School, today: date) -> PlanSummary:
    status = status_for_school(school.pk)
    due = status.next_test_due(today)
    return PlanSummary(plan=plan_of(school), status=status, next_test_due=due,
                       overdue=due < today)
