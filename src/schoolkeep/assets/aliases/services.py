"""Removing a name matched on import: the alias goes (audited), so that the next import of a
file with that name asks again which asset or group it is."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from schoolkeep.assets.models import AssetAlias
from schoolkeep.assets.services import may_manage
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.tenancy.models import School


def alias_remove(*, school: School, actor: Any, alias: AssetAlias) -> None:
    """Remove one of the school's aliases (one already removed meanwhile is left alone)."""
    if alias.school_id != school.pk:
        raise NotAllowed("That name is not one of this school's.")
    if not may_manage(school=school, actor=actor):
        raise NotAllowed("You may not remove names matched on import.")
    with transaction.atomic():
        locked = (AssetAlias.objects.select_for_update(of=("self",))
                  .select_related("asset", "group")
                  .filter(pk=alias.pk, school=school).first())
        if locked is None:  # removed meanwhile: nothing left to do
            return
        target = locked.asset or locked.group
        matched = target.name if target is not None else ""
        audit_record(action="assets.alias.removed", school=school, actor=actor, target=locked,
                     changes=diff({"name": locked.name, "is": matched}, {}))
        locked.delete()
