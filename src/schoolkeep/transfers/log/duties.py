"""Duties of the transfer log (module ``transfers``), computed when read.

One kind, ``transfers.transfer-to-review``: a transfer logged by a channel not approved for
its kind of data and recipient waits for the DPO's review. Due on the day it was logged
(Europe/London), overdue from the next day; the review clears it. Owner: the DPO (the
duties layer falls back to the SIRO when the school has none). Link: the transfer's page,
where the review is recorded.

The title names nobody and no data (it leaves the school in reminders and calendar feeds);
the kind of data, the recipient and the channel are the duty's ``subject``.

``counts`` is ONE aggregate for any number of schools; ``for_school`` one listing query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import LONDON, Duty, DutyCounts, local_date, status_for
from schoolkeep.lib.text import in_sentence
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.models import DataKind, Recipient, Transfer

MODULE = "transfers"
KIND = f"{MODULE}.transfer-to-review"
TITLE = "Review a transfer sent by a channel not approved for it"


def _start_of(now: datetime) -> datetime:
    """Midnight in Europe/London at the start of ``now``'s day."""
    return datetime.combine(local_date(now), time.min, tzinfo=LONDON)


def _to_review(ids: Sequence[int]) -> Any:
    return Transfer.objects.filter(school_id__in=list(ids), review=Transfer.Review.TO_REVIEW)


class TransferDuties:
    module = MODULE
    label = "Transfers of data"
    view_permission = "transfers.view"
    kind_labels = {KIND: "Transfers by a channel not approved for them, to review"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        today = _start_of(now)
        rows = (_to_review(ids).order_by().values("school_id")
                .annotate(overdue=Count("pk", filter=Q(created_at__lt=today)),
                          due=Count("pk", filter=Q(created_at__gte=today)))
                .values_list("school_id", "overdue", "due"))
        return {school_id: DutyCounts(due=due, overdue=overdue)
                for school_id, overdue, due in rows if overdue or due}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        rows = (_to_review([school_id]).order_by("created_at", "pk")
                .values_list("public_id", "data_kind", "recipient", "recipient_name",
                             "channel__name", "channel_other", "sent_on", "created_at"))
        return [self._duty(row, now) for row in rows]

    def _duty(self, row: tuple[Any, ...], now: datetime) -> Duty:
        public_id, kind, recipient, name, channel, other, sent_on, created_at = row
        due_on = local_date(created_at)
        to = in_sentence(Recipient(recipient).label) + (f" ({name})" if name else "")
        return Duty(
            key=f"{KIND}:{public_id}", module=MODULE, title=TITLE,
            subject=(f"{DataKind(kind).label} to {to} by {channel or other}, sent "
                     f"{sent_on:%d %B %Y}"),
            due_at=due_on, status=status_for(due_on, now),
            url=reverse("transfers:transfer-detail", args=[public_id]),
            permission="transfers.manage",
            action="Review the transfer and record what was done",
            owner_role=Role.DPO, order_at=created_at)


provider = TransferDuties()


def register() -> None:
    register_provider(provider)
