"""The reception kiosk: a tablet where visitors (or pupils) sign their AUP.

A member opens the kiosk for the visitors' or pupils' AUP; the page then ends that member's
session and keeps a kiosk-only one (see views.py and middleware.py). Each visitor's
signature is recorded through ``signing.services.signature_create``; the audit trail names the
kiosk and who opened it. A kiosk is open until someone closes it or 12 hours have passed.

Closing needs the school's kiosk PIN, so that a visitor cannot leave reception on the staff
sign-in page. The PIN is kept hashed only; a kiosk cannot be opened before one is set. Each
try at closing is counted in the throttle table before the PIN is checked (one atomic step),
so however many tries arrive together, at most ``CLOSE_TRY_LIMIT`` PINs are checked in
``CLOSE_LOCK`` (30 minutes from the first try). Then closing is locked (audited, once a lock)
and the kiosk keeps running; it unlocks by itself when that time has passed, or at once when a
member sets the PIN again from their own device. Each wrong PIN is told how many tries are left.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from schoolkeep.agreements.aups.models import (
    KIOSK_AUDIENCES,
    Aup,
    Kiosk,
    KioskPin,
    Signature,
    SigningMethod,
)
from schoolkeep.agreements.signing.services import AGREE_MESSAGE, signature_create
from schoolkeep.audit.context import audit_context, current
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import audit_record
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.throttles.models import ThrottleCounter
from schoolkeep.throttles.services import (
    Throttle,
    client_key,
    throttle_blocked,
    throttle_hit,
    throttle_reset,
)

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "agreements.kiosk.opened": "Reception kiosk opened",
    "agreements.kiosk.closed": "Reception kiosk closed",
    "agreements.kiosk_pin.set": "Kiosk PIN set",
    "agreements.kiosk_pin.changed": "Kiosk PIN changed",
    "agreements.kiosk.close_locked": "Reception kiosk: closing locked after wrong PINs",
}

KIOSK_LIFETIME = timedelta(hours=12)

PIN_PATTERN = re.compile(r"[0-9]{4,8}")
PIN_RULE = "The PIN must be 4 to 8 digits, with no letters or spaces."
NO_PIN_MESSAGE = ("Set a kiosk PIN before opening the kiosk: staff need it to close the "
                  "kiosk, so that visitors cannot.")
CLOSE_TRY_LIMIT = 5
CLOSE_LOCK = timedelta(minutes=30)
# Keyed on the kiosk (its public id as the throttle's page), whatever the tablet's address.
CLOSE_TRIES = Throttle("kiosk-close-pin", limit=CLOSE_TRY_LIMIT, window=CLOSE_LOCK)
_CLOSE_CLIENT = "kiosk"


@dataclass(frozen=True)
class CloseAttempt:
    closed: bool  # the PIN was right: the kiosk is closed
    checked: bool  # the PIN was checked (False: refused unchecked, closing is locked)
    locked: bool  # closing is locked now (after this try)
    tries_left: int = 0  # wrong PINs still allowed before closing locks


def kiosk_pin_is_set(school: School | int) -> bool:
    return KioskPin.objects.filter(school=school).exists()


def kiosk_pin_set(*, school: School, actor: Any, pin: str) -> KioskPin:
    """Set or change the school's kiosk PIN (4 to 8 digits, kept hashed). Setting it also
    unlocks closing at the school's open kiosks, for a member who comes to a locked one."""
    pin = (pin or "").strip()
    if not PIN_PATTERN.fullmatch(pin):
        raise DomainError(PIN_RULE, field="pin")
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="aups.kiosk",
                           message="You may not set the kiosk PIN.")
        saved = KioskPin.objects.select_for_update().filter(school=school).first()
        action = "agreements.kiosk_pin.changed" if saved else "agreements.kiosk_pin.set"
        saved = saved or KioskPin(school=school)
        saved.pin_hash = make_password(pin)
        saved.set_at = timezone.now()
        saved.set_by_label = actor_label(actor)
        saved.save()
        # Neither the PIN nor its hash goes into the audit trail.
        audit_record(action=action, school=school, actor=actor, target=saved,
                     target_label="Kiosk PIN", changes={"set_at": saved.set_at})
        # Kiosks still open (opened within their lifetime): a few at most.
        for public_id in Kiosk.objects.filter(
                school=school, closed_at__isnull=True,
                opened_at__gt=timezone.now() - KIOSK_LIFETIME).values_list("public_id", flat=True):
            throttle_reset(throttle=CLOSE_TRIES, address=_CLOSE_CLIENT, page=str(public_id))
    return saved


def kiosk_close_is_locked(kiosk: Kiosk) -> bool:
    return throttle_blocked(throttle=CLOSE_TRIES, address=_CLOSE_CLIENT,
                            page=str(kiosk.public_id))


def kiosk_close_with_pin(*, kiosk: Kiosk, pin: str) -> CloseAttempt:
    """A try at closing a kiosk from its own page. Counted before the PIN is checked (see
    the module's docstring); a right PIN closes it and clears the count."""
    page = str(kiosk.public_id)
    if not throttle_hit(throttle=CLOSE_TRIES, address=_CLOSE_CLIENT, page=page):
        logger.warning("Kiosk %s: closing refused, locked after wrong PINs", kiosk.public_id)
        return CloseAttempt(closed=False, checked=False, locked=True)
    saved = KioskPin.objects.filter(school_id=kiosk.school_id).first()
    if saved is None or not check_password((pin or "").strip(), saved.pin_hash):
        tries_left = _wrong_pin_counted(kiosk)
        logger.warning("Kiosk %s: a wrong PIN to close it%s", kiosk.public_id,
                       "; closing is now locked" if not tries_left else "")
        return CloseAttempt(closed=False, checked=True, locked=not tries_left,
                            tries_left=tries_left)
    throttle_reset(throttle=CLOSE_TRIES, address=_CLOSE_CLIENT, page=page)
    kiosk_close(kiosk=kiosk, reason="Closed with the kiosk PIN")
    return CloseAttempt(closed=True, checked=True, locked=False)


def _wrong_pin_counted(kiosk: Kiosk) -> int:
    """After a wrong PIN (already counted): the tries left before closing locks. The try
    that locks it is audited, once a lock: the kiosk's row is locked while the count is
    read, and a lock already audited in this count's window is not audited again (tries
    arriving together may read the same count)."""
    with audit_context(request_id=current().request_id, ip_address=current().ip_address,
                       actor_label=kiosk_label(kiosk)), transaction.atomic():
        Kiosk.objects.select_for_update().filter(pk=kiosk.pk).exists()
        counter = ThrottleCounter.objects.filter(
            throttle=CLOSE_TRIES.name, page=str(kiosk.public_id),
            client=client_key(_CLOSE_CLIENT), window_ends__gt=timezone.now()).first()
        hits = counter.hits if counter else 0
        if counter is None or hits < CLOSE_TRY_LIMIT:
            return CLOSE_TRY_LIMIT - hits
        window_start = counter.window_ends - CLOSE_LOCK
        if not AuditEvent.objects.filter(
                school_id=kiosk.school_id, action="agreements.kiosk.close_locked",
                target_id=str(kiosk.public_id), occurred_at__gte=window_start).exists():
            # No PIN goes into the audit trail, only that closing is locked and until when.
            audit_record(action="agreements.kiosk.close_locked", school=kiosk.school_id,
                         actor=None, target=kiosk, target_label=f"Kiosk for {kiosk.aup.title}",
                         changes={"wrong_pins": CLOSE_TRY_LIMIT,
                                  "locked_until": counter.window_ends})
    return 0


def kiosk_label(kiosk: Kiosk) -> str:
    """How the audit trail names what a kiosk does: the kiosk by a short reference, never
    the member who opened it (a visitor's event has no subject to seal their name under;
    the "opened" event names them)."""
    return f"kiosk {str(kiosk.public_id)[:8]}"


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
        if not kiosk_pin_is_set(aup.school_id):
            raise DomainError(NO_PIN_MESSAGE, field="pin")
        kiosk = Kiosk.objects.create(
            school_id=aup.school_id, aup=aup, opened_by=actor if actor else None,
            opened_by_label=actor_label(actor), opened_at=timezone.now())
        audit_record(action="agreements.kiosk.opened", school=aup.school_id, actor=actor,
                     target=kiosk, target_label=f"Kiosk for {aup.title}",
                     changes={"aup": aup.title, "opened_at": kiosk.opened_at})
    return kiosk


def kiosk_close(*, kiosk: Kiosk, reason: str = "closed") -> Kiosk:
    """Close a kiosk (its own page, with the PIN, or its 12 hours having passed). Closing a
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
        raise DomainError(AGREE_MESSAGE, field="agreed")
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
