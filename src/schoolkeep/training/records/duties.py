"""Duties of training records (module ``training_confirm``), computed when read.

One kind, ``training_confirm.unconfirmed``: a record a member made themselves ("I completed a
course") waits for the business manager to confirm it or withdraw it. It falls due a week
after it was made (``CONFIRM_WITHIN``), an instant, so ``counts`` and ``for_school`` agree
to the second. Every such record is due within the horizon, since a week is shorter.

``counts`` is ONE aggregate over the records of every school, grouped by school;
``for_school`` one listing query, bounded (LIMIT). The title names nobody: the subject (shown
only inside Schoolkeep) names the person and the course.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, status_for
from schoolkeep.tenancy.roles import Role
from schoolkeep.training.models import TrainingRecord

MODULE = "training_confirm"
KIND = f"{MODULE}.unconfirmed"
TITLE = "Confirm training a member recorded themselves"
CONFIRM_WITHIN = timedelta(days=7)
LIMIT = 1000  # duties listed for one school


def _unconfirmed(school_ids: Sequence[int], horizon: datetime) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(
        school_id__in=list(school_ids), confirmed_at__isnull=True, withdrawn_at__isnull=True,
        created_at__lt=horizon - CONFIRM_WITHIN)


class ConfirmDuties:
    module = MODULE
    label = "Training to confirm"
    view_permission = "training.view"
    kind_labels = {KIND: "Training recorded by members, awaiting confirmation"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        if not school_ids:
            return {}
        late = now - CONFIRM_WITHIN
        rows = (_unconfirmed(school_ids, horizon).order_by().values("school_id")
                .annotate(overdue=Count("pk", filter=Q(created_at__lt=late)),
                          due=Count("pk", filter=Q(created_at__gte=late)))
                .values_list("school_id", "due", "overdue"))
        return {school_id: DutyCounts(due=due, overdue=overdue)
                for school_id, due, overdue in rows}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        records = (_unconfirmed([school_id], horizon).select_related("person", "course")
                   .order_by("created_at", "id")[:LIMIT])
        return [self._duty(record, now) for record in records]

    def _duty(self, record: Any, now: datetime) -> Duty:
        due = record.created_at + CONFIRM_WITHIN
        return Duty(
            key=f"{KIND}:{record.public_id}", module=MODULE, title=TITLE,
            subject=f"{record.person.full_name}: {record.course.name}, completed "
                    f"{record.completed_on:%d/%m/%Y}",
            due_at=due, status=status_for(due, now),
            url=reverse("training:record-detail", args=[record.public_id]),
            permission="training.manage", owner_role=Role.BUSINESS_MANAGER,
            action="Confirm it, or withdraw it", order_at=record.created_at)


provider = ConfirmDuties()


def register() -> None:
    register_provider(provider)
