"""The reception kiosk: a tablet where visitors (or pupils) sign their AUP.

A member opens the kiosk for the visitors' or pupils' AUP; the page then ends that member's
session and keeps a kiosk-only one (see views.py and middleware.py). Each visitor's
signature is recorded through ``signing.services.signature_create``; the audit trail names the
kiosk and who opened it. A kiosk is open until someone closes it or 12 hours have passed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.agreements.aups.models import KIOSK_AUDIENCES, Aup, Kiosk, Signature, SigningMethod
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.audit.context import audit_context, current
from schoolkeep.audit.services import audit_record
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.guards import actor_label, require_permission

ACTION_LABELS = {
    "agreements.kiosk.opened": "Reception kiosk opened",
    "agreements.kiosk.closed": "Reception kiosk closed",
}

KIOSK_LIFETIME = timedelta(hours=12)


def kiosk_label(kiosk: Kiosk) -> str:
    """How the audit trail names what a kiosk does."""
    return f"kiosk: {kiosk.opened_by_label}"[:200]


def kiosk_is_open(kiosk: Kiosk, *, now: Any = None) -> bool:
    now = now or timezone.now()
    return kiosk.closed_at is None and now - kiosk.opened_at < KIOSK_LIFETIME


def kiosk_open(*, aup: Aup, actor: Any) -> Kiosk:
    """Open a kiosk for a published visitors' or pupils' AUP."""
    if aup.audience not in KIOSK_AUDIENCES:
        raise DomainError("The kiosk is only for the visitors' and pupils' acceptable use "
                          "policies.", field="aup")
    if not aup.is_published:
        raise DomainError("Publish this acceptable use policy before opening the kiosk.",
                          field="aup")
    with transaction.atomic():
        require_permission(school=aup.school_id, actor=actor, permission="aups.kiosk",
                           message="You may not open the reception kiosk.")
        kiosk = Kiosk.objects.create(
            school_id=aup.school_id, aup=aup, opened_by=actor if actor else None,
            opened_by_label=actor_label(actor), opened_at=timezone.now())
        audit_record(action="agreements.kiosk.opened", school=aup.school_id, actor=actor,
                     target=kiosk, target_label=f"Kiosk for {aup.title}",
                     changes={"aup": aup.title, "opened_at": kiosk.opened_at})
    return kiosk


def kiosk_close(*, kiosk: Kiosk, reason: str = "closed") -> Kiosk:
    """Close a kiosk (its own page's button, or its 12 hours having passed). Closing a
    closed kiosk changes nothing. The audit trail names the kiosk as the actor."""
    with audit_context(request_id=current().request_id, ip_address=current().ip_address,
                       actor_label=kiosk_label(kiosk)), transaction.atomic():
        current_kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        if current_kiosk.closed_at is not None:
            return current_kiosk
        current_kiosk.closed_at = timezone.now()
        current_kiosk.save(update_fields=["closed_at"])
        audit_record(action="agreements.kiosk.closed", school=kiosk.school_id, actor=None,
                     target=current_kiosk, target_label=f"Kiosk for {kiosk.aup.title}",
                     changes={"closed_at": current_kiosk.closed_at, "reason": reason})
    return current_kiosk


def kiosk_sign(*, kiosk: Kiosk, typed_name: str, agreed: bool, organisation: str = "",
               visiting: str = "", pupil_class: str = "",
               ip_address: str | None = None, shown_number: int | None = None) -> Signature:
    """Record one visitor's (or pupil's) signature of the current version at an open kiosk."""
    if not agreed:
        raise DomainError("Tick the box to say you agree to the policy.", field="agreed")
    with audit_context(request_id=current().request_id, ip_address=current().ip_address,
                       actor_label=kiosk_label(kiosk)), transaction.atomic():
        locked = Kiosk.objects.select_for_update().select_related("aup").get(pk=kiosk.pk)
        if not kiosk_is_open(locked):
            raise DomainError("This kiosk is closed.", field=None)
        return signature_create(
            aup=locked.aup, method=SigningMethod.KIOSK, kiosk=locked, typed_name=typed_name,
            organisation=organisation, visiting=visiting, pupil_class=pupil_class,
            ip_address=ip_address, recorded_by_label=locked.opened_by_label,
            shown_number=shown_number)
