"""The DPO's holds on a person's erasure: added with a reason, released when it ends.

A hold stops Schoolkeep erasing the person (``people.erasure.PeopleProvider.holds``). Only
the DPO (``erasure.hold``) adds or releases one; the command line is trusted. The note may
name people, so it is encrypted at rest and audited only as "changed"; the events are the
person's (``subject``), so their values are sealed with the person's key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import CHANGED, audit_record
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.models import ErasureHold, HoldReason
from schoolkeep.tenancy.guards import actor_label, require_permission

ACTION_LABELS = {
    "erasure.erased": "Erased past the retention schedule's period",
    "erasure.reapplied": "Erased again after a restore",
    "erasure.hold-added": "Erasure held",
    "erasure.hold-released": "Erasure hold released",
}
NOT_ALLOWED = "Only the DPO may hold or release a person's erasure."
NOTE_MAX = 2000


def hold_add(*, school: Any, actor: Any, person: Person, reason: str, note: str = "",
             until: date | None = None) -> ErasureHold:
    """Hold the erasure of one person of the school, until a day or until released."""
    if person.school_id != school.pk:
        raise DomainError("Choose a person of this school.", field="person")
    if reason not in HoldReason.values:
        raise DomainError("Choose why the erasure must wait.", field="reason")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    if until is not None and until <= timezone.localdate():
        raise DomainError("The day the hold ends must be after today, or left empty.",
                          field="until")
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="erasure.hold",
                           message=NOT_ALLOWED)
        hold = ErasureHold(school=school, person=person, reason=reason, note=note,
                           until=until, created_by_label=actor_label(actor))
        full_clean_or_error(hold)
        hold.save()
        audit_record(action="erasure.hold-added", school=school, actor=actor, target=hold,
                     target_label="Erasure hold", subject=person,
                     changes={"reason": reason, "until": until,
                              "note": CHANGED if note else None})
    return hold


def hold_record(*, school: Any, actor: Any, subject_type: str, subject_id: str, reason: str,
                note: str = "", until: date | None = None) -> ErasureHold:
    """Hold the erasure of one record due for erasure that is not a person (an incident, a
    request, a parent): the runner skips it while the hold is in force."""
    from django.apps import apps

    from schoolkeep.privacy.erasure.registry import covered_models

    if subject_type not in covered_models() or not str(subject_id).isdigit():
        raise DomainError("Choose a record from the list of records due.", field="record")
    model = apps.get_model(subject_type)
    fields = {f.attname for f in model._meta.concrete_fields}
    found = model._default_manager.filter(pk=int(subject_id))
    if "school_id" in fields:
        found = found.filter(school_id=school.pk)
    if not found.exists():
        raise DomainError("Choose a record from the list of records due.", field="record")
    _check(reason, note, until)
    # A person's hold is also theirs (it goes with them, its events are sealed with them).
    person_id = int(subject_id) if subject_type == "people.person" else None
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="erasure.hold",
                           message=NOT_ALLOWED)
        hold = ErasureHold(school=school, person_id=person_id, subject_type=subject_type,
                           subject_id=str(int(subject_id)), reason=reason,
                           note=(note or "").strip(), until=until,
                           created_by_label=actor_label(actor))
        full_clean_or_error(hold)
        hold.save()
        audit_record(action="erasure.hold-added", school=school, actor=actor, target=hold,
                     target_label="Erasure hold", subject=None,
                     changes={"record": subject_type, "reason": reason, "until": until,
                              "note": CHANGED if hold.note else None})
    return hold


def _check(reason: str, note: str, until: date | None) -> None:
    if reason not in HoldReason.values:
        raise DomainError("Choose why the erasure must wait.", field="reason")
    if len((note or "").strip()) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    if until is not None and until <= timezone.localdate():
        raise DomainError("The day the hold ends must be after today, or left empty.",
                          field="until")


def hold_release(*, hold: ErasureHold, actor: Any) -> ErasureHold:
    """End a hold now: the person is erased at the next run if their period has ended."""
    with transaction.atomic():
        require_permission(school=hold.school_id, actor=actor, permission="erasure.hold",
                           message=NOT_ALLOWED)
        current = ErasureHold.objects.select_for_update().get(pk=hold.pk)
        if current.released_at is not None:
            raise DomainError("This hold has already been released.", field=None)
        current.released_at = timezone.now()
        current.save(update_fields=["released_at"])
        audit_record(action="erasure.hold-released", school=current.school_id, actor=actor,
                     target=current, target_label="Erasure hold",
                     subject=(("people.person", str(current.person_id))
                              if current.person_id else None),
                     changes={"released_at": current.released_at})
    return current
