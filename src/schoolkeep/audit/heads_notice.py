"""The notice to copy the chain heads again.

When a chain is re-anchored (migration 0004 re-hashed it), heads copied before no longer
match. The audit trail page asks the operator to copy them again until someone says they
have (a button) or prints them with ``schoolkeep audit heads``: both record an
"audit.heads-copied" event, so the notice's state is itself in the trail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import audit_record

REANCHORED = "audit.chain-reanchored"
HEADS_COPIED = "audit.heads-copied"


def copy_due() -> bool:
    """A chain was re-anchored after the heads were last said to be copied (one query)."""
    latest = AuditEvent.objects.filter(action__in=(REANCHORED, HEADS_COPIED)).aggregate(
        reanchored=Max("pk", filter=Q(action=REANCHORED)),
        copied=Max("pk", filter=Q(action=HEADS_COPIED)))
    return latest["reanchored"] is not None and (
        latest["copied"] is None or latest["copied"] < latest["reanchored"])


def heads_copied(*, school: Any = None, actor: Any = None, how: str) -> None:
    """Record that the chain heads were copied (``how``: "button" or "command")."""
    with transaction.atomic():
        audit_record(action=HEADS_COPIED, school=school, actor=actor,
                     target_label="Audit chain heads", changes={"how": how})
