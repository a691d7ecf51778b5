"""Writes of the equipment inventory: add an item, change one, report one lost or stolen.
Pages, the API, the demo and the off-site removals call these functions; each runs in one
transaction, checks that the acting member may manage equipment (or, for a loss, that they
hold the item), and audits the item it changes with its before and after.

The rules an item keeps: its serial number and its asset tag are each unique in the school,
compared by their keys (``equipment/keys.py``: "5cd-1234 abc" is "5CD1234ABC"); whether it
holds personal data stays "not known" (None) until someone says, never "no"; a date the
encryption was verified goes with an encryption; the person it is assigned to and the
systems it runs are the school's own. An item becomes lost or stolen only through
``item_mark_lost``, which reports the incident in the same step, and disposed of only
through a disposal batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Item
from schoolkeep.incidents.models import Channel
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import is_user, require_permission, user_holds
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "equipment.item.created": "Equipment added to the inventory",
    "equipment.item.updated": "Equipment changed",
    "equipment.item.reported_lost": "Equipment reported lost or stolen",
}

# What item_create and item_update accept (``kind`` is required on create).
ITEM_FIELDS = [
    "kind", "make", "model_name", "serial_number", "asset_tag", "personal_data",
    "encryption", "encryption_verified_on", "location", "assigned_to", "systems", "status",
    "notes",
]
AUDITED_FIELDS = [name for name in ITEM_FIELDS if name not in ("assigned_to", "systems")]

_LINES = {"make", "model_name", "serial_number", "asset_tag", "location"}
# The statuses a form, the API or an import may set; lost and stolen come with an incident
# (item_mark_lost), disposed with a disposal batch.
SETTABLE_STATUSES = {Item.Status.IN_USE, Item.Status.IN_STORE, Item.Status.AWAITING_DISPOSAL}
_ENCRYPTED = {Item.Encryption.BITLOCKER, Item.Encryption.FILEVAULT, Item.Encryption.OTHER}


# ---------------------------------------------------------------------------- helpers


def _require_manager(*, school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="equipment.manage",
                       message="You may not change this school's equipment.")


def _refuse_unknown(fields: Iterable[str]) -> None:
    for name in fields:
        if name not in ITEM_FIELDS:
            raise DomainError(f"An item has no field {name!r}.", field=name)


def _person(school_id: int, value: Any) -> Person | None:
    if value in (None, ""):
        return None
    if not isinstance(value, Person) or value.school_id != school_id:
        raise DomainError("Choose a person from the people of this school.",
                          field="assigned_to")
    return value


def _systems(school_id: int, values: Iterable[Any] | None) -> list[System]:
    chosen = list(values or [])
    for system in chosen:
        if not isinstance(system, System) or system.school_id != school_id:
            raise DomainError("Choose systems from this school's register.", field="systems")
    return sorted({system.pk: system for system in chosen}.values(),
                  key=lambda system: (system.name.casefold(), system.pk))


def _apply(item: Item, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name in _LINES:
            value = tidy(str(value or ""))
        elif name == "notes":
            value = str(value or "").strip()
        elif name == "personal_data":
            if value is not None and not isinstance(value, bool):
                raise DomainError("Answer yes, no or not known.", field=name)
        elif name == "kind":
            if value not in Item.Kind.values:
                raise DomainError("Choose what kind of equipment this is.", field=name)
        elif name == "encryption":
            if value not in Item.Encryption.values:
                raise DomainError("Choose how the item is encrypted, or \"Not known\".",
                                  field=name)
        elif name == "encryption_verified_on":
            value = as_date(name, value)
        elif name == "assigned_to":
            value = _person(item.school_id, value)
        elif name == "status":
            value = str(value or "")
        setattr(item, name, value)
    item.serial_key = serial_key(item.serial_number)
    item.asset_tag_key = tag_key(item.asset_tag)


def _clash_message(item: Item, field: str) -> str:
    what = "serial number" if field == "serial_number" else "asset tag"
    key_field = "serial_key" if field == "serial_number" else "asset_tag_key"
    other = (Item.objects.filter(school_id=item.school_id,
                                 **{key_field: getattr(item, key_field)})
             .exclude(pk=item.pk).first())
    named = f": {other.label}" if other is not None else ""
    return (f"Another item in the inventory has this {what}{named}. Check the {what}, or "
            "change that item instead.")


def _validate(item: Item) -> None:
    if item.status not in Item.Status.values:
        raise DomainError("Choose the item's status.", field="status")
    if not (item.serial_number or item.asset_tag or item.make or item.model_name):
        raise DomainError("Enter the serial number or asset tag (or at least the make and "
                          "model), so that the item can be found.", field="serial_number")
    if item.encryption_verified_on is not None:
        if item.encryption not in _ENCRYPTED:
            raise DomainError("A date the encryption was verified goes with an encryption: "
                              "choose which, or clear the date.",
                              field="encryption_verified_on")
        if item.encryption_verified_on > timezone.localdate():
            raise DomainError("The encryption cannot be verified in the future.",
                              field="encryption_verified_on")
    for field, key_field in (("serial_number", "serial_key"), ("asset_tag", "asset_tag_key")):
        key = getattr(item, key_field)
        if key and Item.objects.filter(school_id=item.school_id, **{key_field: key}
                                       ).exclude(pk=item.pk).exists():
            raise DomainError(_clash_message(item, field), field=field)
    full_clean_or_error(item, exclude=["school", "assigned_to", "incident", "systems"])


def _snapshot(item: Item, systems: list[System]) -> dict[str, Any]:
    values = snapshot(item, AUDITED_FIELDS)
    person = item.assigned_to
    values["assigned_to"] = person.full_name if person is not None else None
    values["systems"] = [system.name for system in systems]
    return values


def _save(item: Item) -> None:
    """Save, turning a clash the database finds only at save into the same message."""
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        field = "serial_number"
        if item.asset_tag_key and Item.objects.filter(
                school_id=item.school_id, asset_tag_key=item.asset_tag_key
        ).exclude(pk=item.pk).exists():
            field = "asset_tag"
        raise DomainError(_clash_message(item, field), field=field) from None


# ---------------------------------------------------------------------------- writes


def item_create(*, school: School, actor: Any, kind: str, **fields: Any) -> Item:
    """Add an item to the school's inventory. ``fields``: any of ITEM_FIELDS (``systems``
    a list of the school's systems). Its status is in use unless given (in store or
    awaiting disposal)."""
    _refuse_unknown(fields)
    systems_given = fields.pop("systems", None)
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        item = Item(school=school)
        _apply(item, {"kind": kind, **fields})
        if item.status not in SETTABLE_STATUSES:
            raise DomainError("A new item is in use, in store or awaiting disposal (report a "
                              "loss from its page; record a disposal in a disposal batch).",
                              field="status")
        systems = _systems(school.pk, systems_given)
        _validate(item)
        _save(item)
        if systems:
            item.systems.set(systems)
        audit_record(action="equipment.item.created", school=school, actor=actor,
                     target=item, changes=diff(None, _snapshot(item, systems)))
    return item


def item_update(*, item: Item, actor: Any, version: int, **changes: Any) -> Item:
    """Change an item. ``version`` is the one the editor read: a newer one in the database
    raises StaleVersion. Changing nothing saves nothing. A lost or stolen item found again may
    be put back in use or in store (its incident stays linked); a disposed item keeps its
    status."""
    _refuse_unknown(changes)
    systems_given = changes.pop("systems", None)
    with transaction.atomic():
        _require_manager(school=item.school_id, actor=actor)
        current = (Item.objects.select_for_update(of=("self",))
                   .select_related("assigned_to").get(pk=item.pk))
        if current.version != version:
            raise stale_error(school=current.school_id, target=current, what="this item")
        old_systems = list(current.systems.order_by("name", "pk"))
        old_systems.sort(key=lambda system: (system.name.casefold(), system.pk))
        before = _snapshot(current, old_systems)
        old_status = current.status
        _apply(current, changes)
        if current.status != old_status:
            if old_status == Item.Status.DISPOSED:
                raise DomainError("This item has been disposed of: its status stays.",
                                  field="status")
            if current.status not in SETTABLE_STATUSES:
                raise DomainError("Report a loss or theft from the item's page, and record a "
                                  "disposal in a disposal batch.", field="status")
        new_systems = (old_systems if systems_given is None
                       else _systems(current.school_id, systems_given))
        _validate(current)
        recorded = diff(before, _snapshot(current, new_systems))
        if not recorded:
            return current
        current.version += 1
        _save(current)
        if [s.pk for s in new_systems] != [s.pk for s in old_systems]:
            current.systems.set(new_systems)
        audit_record(action="equipment.item.updated", school=current.school_id, actor=actor,
                     target=current, changes=recorded)
    return current


def may_report_lost(*, item: Item, actor: Any) -> bool:
    """Who may report an item lost or stolen: whoever manages equipment, and the person the
    item is assigned to or on loan to (the command line and the system always)."""
    if not is_user(actor):
        return True
    if user_holds(school=item.school_id, user=actor, permission="equipment.manage"):
        return True
    holder_ids = set(item.loans.filter(returned_on__isnull=True)
                     .values_list("person_id", flat=True))
    if item.assigned_to_id is not None:
        holder_ids.add(item.assigned_to_id)
    return bool(holder_ids) and Person.objects.filter(
        pk__in=holder_ids, user=actor, school_id=item.school_id).exists()


def item_mark_lost(*, item: Item, actor: Any, stolen: bool, note: str,
                   holder_checked: bool = False) -> Item:
    """Record that an item is lost (or stolen) and report it as an incident in the same
    step: the incident's title names the item (its kind and tag, no person), its description
    carries ``note``, and the item keeps the link. Refused when the item was reported
    already ("already reported as BR-..."), or has been disposed of.

    Who may: see ``may_report_lost``; a caller that has checked its own rule (the off-site
    removal's requester reporting the device they took) passes ``holder_checked=True``. The
    incident is reported as ``actor``, who must be allowed to report incidents."""
    from schoolkeep.incidents.report.services import incident_report

    with transaction.atomic():
        current = (Item.objects.select_for_update(of=("self",))
                   .select_related("incident").get(pk=item.pk))
        if not holder_checked and not may_report_lost(item=current, actor=actor):
            raise NotAllowed("You may not report this item lost: ask the IT lead or the "
                             "business manager.")
        if current.incident is not None and current.status in (Item.Status.LOST,
                                                                  Item.Status.STOLEN):
            raise DomainError(f"This item is already reported as {current.incident.reference}"
                              f" ({current.get_status_display().lower()}).", field="item")
        if current.status == Item.Status.DISPOSED:
            raise DomainError("This item has been disposed of: it cannot be reported lost.",
                              field="item")
        text = str(note or "").strip()
        if not text:
            raise DomainError("Say what happened: where and when it was last seen.",
                              field="note")
        word = "stolen" if stolen else "lost"
        facts = [f"{current.label} ({current.get_kind_display().lower()}) was reported {word}."]
        make_model = " ".join(part for part in (current.make, current.model_name) if part)
        if make_model:
            facts.append(f"Make and model: {make_model}.")
        if current.serial_number:
            facts.append(f"Serial number: {current.serial_number}.")
        facts.append(f"Encryption: {current.get_encryption_display()}"
                     + (f" (verified {current.encryption_verified_on:%d %B %Y})."
                        if current.encryption_verified_on else "."))
        holds = {True: "Yes", False: "No", None: "Not known"}[current.personal_data]
        facts.append(f"Holds or has held personal data: {holds}.")
        systems = ", ".join(current.systems.order_by("name").values_list("name", flat=True))
        incident, _ = incident_report(
            school=current.school, actor=actor, channel=Channel.APP,
            title=f"{current.label} {word}"[:200],
            description=text + "\n\n" + "\n".join(facts),
            data_involved=(f"Data on the {current.get_kind_display().lower()}"
                           + (f"; systems used on it: {systems}" if systems else "")),
            personal_data=current.personal_data is not False)
        before = {"status": current.status, "incident": None}
        current.status = Item.Status.STOLEN if stolen else Item.Status.LOST
        current.incident = incident
        current.version += 1
        current.save(update_fields=["status", "incident", "version", "updated_at"])
        audit_record(action="equipment.item.reported_lost", school=current.school_id,
                     actor=actor, target=current,
                     changes=diff(before, {"status": current.status,
                                           "incident": incident.reference}))
    return current
