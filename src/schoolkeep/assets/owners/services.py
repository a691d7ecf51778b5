"""Saving the owners chosen on the page together: one transaction, one audit event per
asset whose owner changes.

An asset changed by someone else since the page was read (its version moved on) keeps its
owner and is reported, naming who changed it and when; the others are saved. The choices
are independent of one another, so one asset edited meanwhile does not throw away the
other forty-nine choices (a name that is not in the list, by contrast, is refused by the
form before anything is saved)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.assets.models import Asset, OutsideOrganisation
from schoolkeep.assets.services import may_manage
from schoolkeep.audit.services import audit_record_many, diff
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.stale import last_change, when_words
from schoolkeep.people.models import Person
from schoolkeep.tenancy.guards import is_user, user_holds
from schoolkeep.tenancy.models import School

OWNER_COLUMNS = ["owner_person", "owner_organisation", "owner_unmatched", "version",
                 "updated_at"]


@dataclass(frozen=True)
class OwnerChoice:
    asset_id: int
    version: int  # as read when the page was shown
    person: Person | None = None
    organisation: OutsideOrganisation | None = None


@dataclass
class OwnersChosen:
    saved: list[str] = field(default_factory=list)  # the assets' names
    stale: list[str] = field(default_factory=list)  # why each was not saved, in words


def _owners(asset: Asset) -> dict[str, str]:
    """The owner as an asset's audit snapshot records it (``services.asset_snapshot``)."""
    return {"owner_person": asset.owner_person.full_name if asset.owner_person else "",
            "owner_organisation": (asset.owner_organisation.name
                                   if asset.owner_organisation else ""),
            "owner_unmatched": asset.owner_unmatched}


def _stale(school: School, asset: Asset) -> str:
    last = last_change(school=school, target=asset)
    who = f" by {last[0]} on {when_words(last[1])}" if last else ""
    return (f"“{asset.name}” was changed{who} while you were choosing, so its owner was not "
            "saved. Choose it again if it still needs one.")


# The one permission that may stand in for assets.manage: a leaver's checklist hands a
# leaver's asset to a new owner (leavers.services checks it before calling).
AUTHORITIES = frozenset({"leavers.manage"})


def asset_owners_choose(*, school: School, actor: Any, choices: Sequence[OwnerChoice],
                        authorised_by: str | None = None) -> OwnersChosen:
    """Give each asset its chosen owner (a person or an outside organisation of the school).
    Assets changed since their version was read are left as they are and reported.

    ``authorised_by="leavers.manage"`` (the leaver checklist's hand-over step): the actor
    needs that permission instead of assets.manage; any other value is a ValueError."""
    if authorised_by is not None:
        if authorised_by not in AUTHORITIES:
            raise ValueError(f"An asset's owner is not chosen under {authorised_by!r}.")
        allowed = not is_user(actor) or user_holds(school=school, user=actor,
                                                   permission=authorised_by)
    else:
        allowed = may_manage(school=school, actor=actor)
    if not allowed:
        raise NotAllowed("You may not choose the owners of assets.")
    for choice in choices:
        owner = choice.person or choice.organisation
        if owner is None or owner.school_id != school.pk:
            raise NotAllowed("An owner must be a person or an organisation of the school.")
    outcome, now = OwnersChosen(), timezone.now()
    with transaction.atomic():
        assets = (Asset.objects.select_for_update(of=("self",))
                  .select_related("owner_person", "owner_organisation")
                  .filter(school=school, archived_at__isnull=True)
                  .in_bulk([choice.asset_id for choice in choices]))
        saved, events = [], []
        for choice in choices:
            asset = assets.get(choice.asset_id)
            if asset is None:
                continue  # archived meanwhile: nothing to own
            if asset.version != choice.version:
                outcome.stale.append(_stale(school, asset))
                continue
            before = _owners(asset)
            asset.owner_person, asset.owner_organisation = choice.person, choice.organisation
            asset.owner_unmatched = ""
            changes = diff(before, _owners(asset))
            if not changes:
                continue
            asset.version += 1
            asset.updated_at = now
            saved.append(asset)
            outcome.saved.append(asset.name)
            events.append({"action": "assets.asset.updated", "school": school, "actor": actor,
                           "target": asset, "changes": changes})
        Asset.objects.bulk_update(saved, OWNER_COLUMNS)
        audit_record_many(events)
    return outcome
