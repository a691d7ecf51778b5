"""The inventory's measure, for the overview's area "transfers" ("Sending data and
equipment"):

- ``equipment.encrypted``: items holding personal data and still at the school (not
  disposed of, lost or stolen) that are recorded as encrypted, out of all of them. An item
  whose personal data is "not known" is in neither figure.

The rule is the duty's (``equipment.unencrypted-personal-data`` is the figure's shortfall).
ONE query whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.equipment.inventory.selectors import ENCRYPTED, NOT_HERE
from schoolkeep.equipment.models import Item
from schoolkeep.overview.types import Figures, MeasureSpec

ENCRYPTED_KEY = "equipment.encrypted"


class EquipmentMeasures:
    module = "equipment"
    label = "Equipment"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(ENCRYPTED_KEY, "transfers", "Devices holding personal data that are "
                    "encrypted", "are recorded as encrypted",
                    empty="No device is recorded as holding personal data",
                    url_name="equipment:item-list", permission="equipment.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        rows = (Item.objects.filter(school_id__in=ids, personal_data=True)
                .exclude(status__in=NOT_HERE).order_by().values("school_id")
                .annotate(met=Count("pk", filter=Q(encryption__in=ENCRYPTED)),
                          total=Count("pk"))
                .values_list("school_id", "met", "total"))
        return {school_id: {ENCRYPTED_KEY: (met, total)}
                for school_id, met, total in rows if total}


provider = EquipmentMeasures()
