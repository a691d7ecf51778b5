"""Duties of equipment loans (module ``loans``), computed when read.

One kind, ``loans.overdue``: an open loan (not returned) is due back on its expected return,
or on its borrower's leaving date when that is earlier (equipment comes back before its
borrower leaves); it is a duty of the business manager from the horizon on, overdue once
that day has passed. A loan whose item is recorded lost or stolen can no longer come back
and raises none (its incident is where it is followed up); nor does one whose item was
disposed of.

``counts`` is ONE aggregate over the loans of every school, grouped by school;
``for_school`` one listing query, bounded (LIMIT). The title names no person and no item:
the subject (shown only inside Schoolkeep) names both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, local_date, status_for
from schoolkeep.equipment.loans.selectors import due_on
from schoolkeep.equipment.loans.services import GONE
from schoolkeep.equipment.models import Loan
from schoolkeep.tenancy.roles import Role

MODULE = "loans"
KIND = f"{MODULE}.overdue"
TITLE = "Get back equipment on loan: it is due back"
LIMIT = 1000  # duties listed for one school


def _due(school_ids: Sequence[int], until: date) -> QuerySet[Loan]:
    """Open loans of these schools due back before ``until``."""
    return (Loan.objects.filter(school_id__in=list(school_ids), returned_on__isnull=True)
            .exclude(item__status__in=sorted(GONE))
            .annotate(due_on=due_on())
            .filter(due_on__lt=until))  # type: ignore[misc]


class LoanDuties:
    module = MODULE
    label = "Equipment on loan"
    view_permission = "equipment.view"
    kind_labels = {KIND: "Equipment on loan due back or overdue"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        if not school_ids:
            return {}
        today = local_date(now)
        rows = (_due(school_ids, local_date(horizon)).order_by().values("school_id")
                .annotate(overdue=Count("pk", filter=Q(due_on__lt=today)),
                          due=Count("pk", filter=Q(due_on__gte=today)))
                .values_list("school_id", "due", "overdue"))
        return {school_id: DutyCounts(due=due, overdue=overdue)
                for school_id, due, overdue in rows}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        due = _due([school_id], local_date(horizon)).select_related("item", "person")
        loans = due.order_by("due_on", "id")[:LIMIT]  # type: ignore[misc]
        return [self._duty(loan, now) for loan in loans]

    def _duty(self, loan: Any, now: datetime) -> Duty:
        due = loan.due_on
        return Duty(
            key=f"{KIND}:{loan.public_id}", module=MODULE, title=TITLE,
            subject=f"{loan.item.label}, lent to {loan.person.full_name}, due back "
                    f"{due:%d/%m/%Y}",
            due_at=due, status=status_for(due, now),
            url=reverse("equipment:loan-detail", args=[loan.public_id]),
            permission="equipment.view", owner_role=Role.BUSINESS_MANAGER,
            action="Record its return, or follow it up", order_at=loan.created_at)


provider = LoanDuties()


def register() -> None:
    register_provider(provider)
