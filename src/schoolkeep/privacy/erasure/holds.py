"""The DPO's holds on records other than people (an incident, a request, a parent): the
runner asks them for every due item before any provider erases it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from schoolkeep.privacy.erasure.models import ErasureHold
from schoolkeep.privacy.erasure.registry import DueItem, run_date


def record_holds(school: Any, items: list[DueItem]) -> dict[tuple[str, int], str]:
    """(model label, pk) -> the reason the DPO holds it, in one query; {} when none."""
    if not items:
        return {}
    wanted = Q()
    for label in {i.model_label for i in items}:
        wanted |= Q(subject_type=label,
                    subject_id__in=[str(i.pk) for i in items if i.model_label == label])
    found = (ErasureHold.objects.filter(school=school, released_at__isnull=True)
             .filter(Q(until__isnull=True) | Q(until__gte=run_date())).filter(wanted)
             .values_list("subject_type", "subject_id", "reason"))
    labels = dict(ErasureHold._meta.get_field("reason").flatchoices)
    return {(label, int(pk)): f"Held by the DPO: {str(labels.get(reason, reason)).lower()}."
            for label, pk, reason in found if pk.isdigit()}
