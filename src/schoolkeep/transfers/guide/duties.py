"""Duties of the questions to the DPO (module ``transfer_questions``), computed when read.

One kind, ``transfer_questions.question-open``: a question about sending data that nobody
has answered yet. Due on the day it was asked (Europe/London), overdue from the next day:
someone is waiting to send something. Owner: the DPO (the duties layer falls back to the
SIRO when the school has no active DPO, as the question's e-mail does). Link: the
question's page, where the DPO answers.

The title names nothing of the question (it leaves the school in reminders and calendar
feeds); the question (what, to whom) and who asked are the duty's ``subject``.

``counts`` is ONE aggregate for any number of schools; ``for_school`` one listing query.
Every open question is due by today, so always before the horizon: both list them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Q

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import LONDON, Duty, DutyCounts, local_date, status_for
from schoolkeep.lib.links import url_for_each
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.guide.selectors import question_title
from schoolkeep.transfers.models import TransferQuestion

MODULE = "transfer_questions"
KIND = f"{MODULE}.question-open"
TITLE = "Answer a question about sending data"


def _start_of(moment: datetime) -> datetime:
    """Midnight in Europe/London at the start of the day of ``moment``."""
    return datetime.combine(local_date(moment), time.min, tzinfo=LONDON)


def _open() -> Any:
    return TransferQuestion.objects.filter(answered_at__isnull=True).order_by()


class TransferQuestionDuties:
    module = MODULE
    label = "Questions to the DPO about sending data"
    view_permission = "transfers.view"
    kind_labels = {KIND: "Questions about sending data waiting for the DPO's answer"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        today = _start_of(now)
        rows = (_open().filter(school_id__in=ids).values("school_id")
                .annotate(overdue=Count("pk", filter=Q(asked_at__lt=today)),
                          due=Count("pk", filter=Q(asked_at__gte=today)))
                .values_list("school_id", "overdue", "due"))
        return {school_id: DutyCounts(due=due, overdue=overdue)
                for school_id, overdue, due in rows}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        rows = (_open().filter(school_id=school_id).order_by("asked_at", "pk")
                .values_list("public_id", "data_kind", "recipient", "asked_by_label",
                             "asked_at"))
        url = url_for_each("transfers:question-detail")
        return [self._duty(row, url(row[0]), now) for row in rows]

    def _duty(self, row: tuple[Any, ...], url: str, now: datetime) -> Duty:
        public_id, data_kind, recipient, asked_by, asked_at = row
        due_on = local_date(asked_at)
        return Duty(
            key=f"{KIND}:{public_id}", module=MODULE, title=TITLE,
            subject=f"{question_title(data_kind, recipient)}, asked by {asked_by}",
            due_at=due_on, status=status_for(due_on, now), url=url,
            permission="transfers.manage", oversight_permission="transfers.view",
            action="Read the question and answer it", owner_role=Role.DPO,
            order_at=asked_at)


provider = TransferQuestionDuties()


def register() -> None:
    register_provider(provider)
