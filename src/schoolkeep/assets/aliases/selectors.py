"""What the page of names matched on import reads: the school's aliases, in the file's
order, and who saved each and when (the newest of its audit events, read for a whole page in
one query)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from schoolkeep.assets.models import AssetAlias
from schoolkeep.audit.actors import actor_name
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_in_place
from schoolkeep.audit.selectors import NEWEST_FIRST
from schoolkeep.tenancy.models import School

SAVED_ACTIONS = ("assets.alias.created", "assets.alias.changed")
TARGET_TYPE = AssetAlias._meta.label_lower  # as audit.services.target_key names it


def aliases_of(school: School) -> QuerySet[AssetAlias]:
    """The school's aliases by the file's group heading, then name."""
    return (AssetAlias.objects.filter(school=school)
            .select_related("asset", "group", "asset__group")
            .only("public_id", "name", "group_key", "name_key", "created_at",
                  "asset__public_id", "asset__name", "asset__archived_at",
                  "asset__group__name", "group__public_id", "group__name")
            .order_by("group_key", "name_key", "pk"))


@dataclass(frozen=True)
class SavedBy:
    who: str  # in words (audit.actors.actor_name)
    at: datetime


def saved_by(school: School, aliases: Iterable[AssetAlias]) -> dict[str, SavedBy]:
    """Who last saved each alias (matched it, or matched it again to another) and when, by
    the alias's public id. An alias with no event (none is expected) is left out."""
    ids = [str(alias.public_id) for alias in aliases]
    if not ids:
        return {}
    events = (AuditEvent.objects.filter(school=school, target_type=TARGET_TYPE,
                                        target_id__in=ids, action__in=SAVED_ACTIONS)
              .order_by(*NEWEST_FIRST).only("public_id", "target_id", "actor_id", "actor_label",
                                            "occurred_at", "sealed_digest"))
    found: dict[str, SavedBy] = {}
    # A member's name is sealed under their key in the trail: opened for all in two queries.
    for event in open_in_place(events):
        found.setdefault(event.target_id, SavedBy(actor_name(event.actor_label),
                                                  event.occurred_at))
    return found
