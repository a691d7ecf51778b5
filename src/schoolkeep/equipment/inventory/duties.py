"""Duties of the equipment inventory (module ``equipment``), computed when read.

One kind, ``equipment.unencrypted-personal-data``: an item that holds (or has held) personal
data, is not recorded as encrypted (not encrypted, or not known) and is still at the school
(not disposed of, lost or stolen: a lost or stolen one is followed up by its incident).
Owner: the IT lead. Due on the day the item was added, overdue from the next: a gap is a
gap from the start. Recording its encryption (or that it holds no personal data) clears it.

The title names no item or person (it leaves the school in reminders and calendar feeds);
the item's label is the ``subject``. ``counts`` is ONE aggregate for any number of schools;
``for_school`` one query, bounded (LIMIT).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from django.db.models import Count, Q
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import LONDON, Duty, DutyCounts, local_date, status_for
from schoolkeep.equipment.inventory.selectors import unencrypted_q
from schoolkeep.equipment.models import Item
from schoolkeep.tenancy.roles import Role

MODULE = "equipment"
KIND = f"{MODULE}.unencrypted-personal-data"
TITLE = "Encrypt a device that holds personal data"
LIMIT = 1000  # duties listed for one school


def _today_starts(now: datetime) -> datetime:
    """The instant today (Europe/London) began: an item added before it is overdue."""
    return datetime.combine(local_date(now), time.min, tzinfo=LONDON)


class EquipmentDuties:
    module = MODULE
    label = "Equipment"
    view_permission = "equipment.view"
    kind_labels = {KIND: "Devices holding personal data that are not encrypted"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        starts = _today_starts(now)
        rows = (Item.objects.filter(unencrypted_q(), school_id__in=ids).order_by()
                .values("school_id")
                .annotate(overdue=Count("pk", filter=Q(created_at__lt=starts)),
                          due=Count("pk", filter=Q(created_at__gte=starts)))
                .values_list("school_id", "overdue", "due"))
        return {school_id: DutyCounts(due=due, overdue=overdue)
                for school_id, overdue, due in rows}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        rows = (Item.objects.filter(unencrypted_q(), school_id=school_id)
                .order_by("created_at", "pk")
                .only("public_id", "kind", "asset_tag", "serial_number", "make", "model_name",
                      "created_at")[:LIMIT])
        duties = []
        for item in rows:
            due_on = local_date(item.created_at)
            duties.append(Duty(
                key=f"{KIND}:{item.public_id}", module=MODULE, title=TITLE,
                subject=f"{item.label}: holds personal data, not encrypted",
                due_at=due_on, status=status_for(due_on, now),
                url=reverse("equipment:item-detail", args=[item.public_id]),
                permission="equipment.view", owner_role=Role.IT_LEAD,
                action="Encrypt it, then record its encryption", order_at=item.created_at))
        return duties


provider = EquipmentDuties()


def register() -> None:
    register_provider(provider)
