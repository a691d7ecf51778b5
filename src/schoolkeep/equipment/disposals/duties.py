"""Duties of disposals (module ``disposals``), computed when read.

One kind, ``disposals.without-certificate``: an item in a disposal batch that holds, has
held or may hold personal data (``personal_data`` not False: "not known" is never "no") and
is not matched to a certificate of secure deletion (read from its text or by hand). The IT
lead. Due ``DUE_DAYS`` days after the collection (the time a company takes to send its
certificate), overdue after. Link: the batch's page, where the certificate is uploaded and
items are matched.

``counts`` is ONE aggregate for any number of schools; ``for_school`` one listing query,
bounded. Titles name no person; the subject names the item and the company.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts, local_date
from schoolkeep.equipment.models import DisposalItem, Item
from schoolkeep.tenancy.roles import Role

MODULE = "disposals"
KIND = f"{MODULE}.without-certificate"
TITLE = "Get the certificate of secure deletion for a disposed item"
DUE_DAYS = 30
LIMIT = 1000  # duties listed for one school


def without_certificate(school_ids: Sequence[int]) -> QuerySet[DisposalItem]:
    """Disposed items needing a certificate that no certificate names."""
    return (DisposalItem.objects.filter(school_id__in=list(school_ids), matched_by="",
                                        item__status=Item.Status.DISPOSED)
            .exclude(item__personal_data=False))


class DisposalDuties:
    module = MODULE
    label = "Disposals"
    view_permission = "equipment.view"
    kind_labels = {KIND: "Disposed items without a certificate of secure deletion"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        late_before = local_date(now) - timedelta(days=DUE_DAYS)
        listed_before = local_date(horizon) - timedelta(days=DUE_DAYS)
        rows = (without_certificate(ids).filter(disposal__collected_on__lt=listed_before)
                .order_by().values("school_id")
                .annotate(late=Count("pk", filter=Q(disposal__collected_on__lt=late_before)),
                          n=Count("pk"))
                .values_list("school_id", "late", "n"))
        return {school_id: DutyCounts(due=n - late, overdue=late)
                for school_id, late, n in rows if n}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today = local_date(now)
        listed_before = local_date(horizon) - timedelta(days=DUE_DAYS)
        rows = (without_certificate([school_id])
                .filter(disposal__collected_on__lt=listed_before)
                .order_by("disposal__collected_on", "pk")
                .values_list("item__public_id", "item__kind", "item__asset_tag",
                             "item__serial_number", "disposal__public_id",
                             "disposal__collected_on", "disposal__company__name",
                             "disposal__created_at")[:LIMIT])
        return [self._duty(row, today) for row in rows]

    def _duty(self, row: tuple[Any, ...], today: Any) -> Duty:
        item_id, kind, tag, serial, disposal_id, collected_on, company, created_at = row
        label = f"{Item.Kind(kind).label} {tag or serial}".strip()
        due = collected_on + timedelta(days=DUE_DAYS)
        return Duty(
            key=f"{KIND}:{item_id}", module=MODULE, title=TITLE,
            subject=f"{label}, collected by {company} on {collected_on:%d/%m/%Y}",
            due_at=due, status=OVERDUE if due < today else DUE,
            url=reverse("equipment:disposal-detail", args=[disposal_id]),
            permission="equipment.manage", owner_role=Role.IT_LEAD,
            action="Upload the certificate or match the item by hand", order_at=created_at)


provider = DisposalDuties()


def register() -> None:
    register_provider(provider)
