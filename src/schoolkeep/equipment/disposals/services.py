"""Writes of disposal batches: record a batch (the company, its registrations, the items it
took), change its details or add items, keep its paperwork (the waste transfer note and the
certificate of secure deletion, PDFs checked by content) and match the certificate to the
batch's items, read from its text or by hand.

Every function runs in one transaction, checks that a person acting holds
``equipment.manage`` (the command line and the demo are trusted), and writes the audit trail.
An item added to a batch is disposed of: its status becomes "disposed" and that is audited
on the item too. An item leaves the school once (``DisposalItem.item`` is one-to-one); a lost
or stolen item, or one already disposed of, cannot be added.

A note or certificate uploaded again becomes the batch's current one; the earlier file is
kept (listed in ``Disposal.earlier_files``; nothing is deleted: the waste transfer note is
kept two years). Matches read from an earlier certificate's text are read again from the
new one; matches made by hand stay. A certificate's text is read before the batch is
locked (reading is bounded, see ``certificates``). An item out on loan cannot be disposed
of until its return is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.equipment.disposals import certificates
from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Disposal, DisposalItem, Item
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.privacy.destruction.models import DestructionMethod, DestructionSource
from schoolkeep.privacy.destruction.services import EARLIEST, destruction_record
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "equipment.disposal.created": "Disposal batch recorded",
    "equipment.disposal.updated": "Disposal batch changed",
    "equipment.disposal.items-added": "Items added to a disposal batch",
    "equipment.item.disposed": "Equipment disposed of",
    "equipment.disposal.note-uploaded": "Waste transfer note uploaded",
    "equipment.disposal.certificate-uploaded": "Certificate of secure deletion uploaded",
    "equipment.disposal.matched": "Disposed item matched to its certificate by hand",
    "equipment.disposal.unmatched": "Disposed item's match to its certificate withdrawn",
    "equipment.disposal.file-downloaded": "Disposal paperwork downloaded",
}

PERMISSION = "equipment.manage"
FOLDER = "disposals"
MAX_BYTES = 10 * 1024 * 1024
MAX_ITEMS = 500  # items named in one go
MAX_NOTES = 5_000  # characters of a batch's notes (as the API)
KINDS = {"note": "waste transfer note", "certificate": "certificate of secure deletion"}
# Fields a batch's details form and the API change.
FIELDS = ["reference", "collected_on", "waste_carrier_registration",
          "permit_or_certification", "notes"]
NOT_DISPOSABLE = {Item.Status.LOST, Item.Status.STOLEN, Item.Status.DISPOSED}


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission=PERMISSION,
                       message="You may not record disposals.")


def company_for(*, school: School, actor: Any, company: Any = None,
                company_name: str = "") -> Any:
    """The outside organisation chosen, or the one of this name (added when new, through
    the register's own service)."""
    from schoolkeep.assets.models import OutsideOrganisation
    from schoolkeep.assets.services import organisation_get_or_create

    if company is not None:
        if not isinstance(company, OutsideOrganisation) or company.school_id != school.pk:
            raise DomainError("Choose a company from the list.", field="company")
        return company
    name = tidy(company_name or "")
    if not name:
        raise DomainError("Choose the disposal company, or enter its name.", field="company")
    if len(name) > 200:
        raise DomainError("The company's name must be at most 200 characters.",
                          field="company_name")
    try:
        return organisation_get_or_create(school=school, name=name, actor=actor,
                                          permission=PERMISSION)
    except NotAllowed:
        raise DomainError(
            "Only those who record disposals (the SIRO, the business manager or the IT "
            "lead) can add a new disposal company. Choose the company from the list.",
            field="company_name") from None


def _wanted_keys(identifiers: Iterable[str]) -> list[str]:
    """The lines named, tidied, without repeats, in order. Stops as soon as there are more
    than ``MAX_ITEMS`` lines (a pasted list of thousands costs nothing)."""
    wanted: list[str] = []
    seen: set[str] = set()
    for count, line in enumerate(identifiers, start=1):
        if count > MAX_ITEMS:
            raise DomainError(f"Add at most {MAX_ITEMS} items at a time.", field="items")
        text = tidy(str(line or ""))[:200]
        if text and text not in seen:
            seen.add(text)
            wanted.append(text)
    return wanted


def items_by_identifier(*, school: School, identifiers: Iterable[str]) -> list[Item]:
    """The school's items named by serial number or asset tag (one a line), in the order
    given. Raises DomainError naming those not found or not disposable."""
    wanted = _wanted_keys(identifiers)
    serials = {serial_key(text) for text in wanted} - {""}
    tags = {tag_key(text) for text in wanted} - {""}
    found = list(Item.objects.filter(school=school, serial_key__in=serials)) + list(
        Item.objects.filter(school=school, asset_tag_key__in=tags))
    by_serial = {item.serial_key: item for item in found if item.serial_key}
    by_tag = {item.asset_tag_key: item for item in found if item.asset_tag_key}
    chosen: dict[int, Item] = {}
    missing: list[str] = []
    refused: list[str] = []
    for text in wanted:
        item = by_tag.get(tag_key(text)) or by_serial.get(serial_key(text))
        if item is None:
            missing.append(text)
        elif item.status in NOT_DISPOSABLE:
            refused.append(f"{text} ({item.get_status_display().lower()})")
        else:
            chosen.setdefault(item.pk, item)
    if missing:
        raise DomainError("No item has this serial number or asset tag: "
                          + ", ".join(missing[:20]) + ".", field="items")
    if refused:
        raise DomainError("These items cannot be disposed of: " + ", ".join(refused[:20])
                          + ".", field="items")
    _refuse_items_on_loan(list(chosen.values()))
    return list(chosen.values())


def _refuse_items_on_loan(items: list[Item]) -> None:
    """An item out on loan (a loan not returned) cannot leave the school: its return is
    recorded first."""
    from schoolkeep.equipment.models import Loan

    if not items:
        return
    loans = list(Loan.objects.filter(item__in=items, returned_on__isnull=True)
                 .select_related("item", "person").order_by("item_id")[:20])
    if loans:
        raise DomainError("; ".join(f"{loan.item.label} is on loan to {loan.person.full_name}"
                                    for loan in loans) + ": record its return first.",
                          field="items")


def _clean_fields(disposal: Disposal, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in FIELDS:
            raise DomainError(f"A disposal has no field {name!r}.", field=name)
        if name == "collected_on":
            value = as_date(name, value)
            if value is None:
                raise DomainError("Enter the date the company collected the items.",
                                  field=name)
            if value > timezone.localdate():
                raise DomainError("The collection date cannot be in the future.", field=name)
            if value < EARLIEST:  # the destruction log's earliest date
                raise DomainError("The collection date must be in 1900 or later.", field=name)
        elif name == "notes":
            value = str(value or "").strip()
            if len(value) > MAX_NOTES:
                raise DomainError(f"The notes must be at most {MAX_NOTES:,} characters.",
                                  field=name)
        else:
            value = tidy(str(value or ""))
        setattr(disposal, name, value)


def _snapshot(disposal: Disposal) -> dict[str, Any]:
    values = {name: getattr(disposal, name) for name in FIELDS}
    values["company"] = disposal.company.name
    return values


def _add_items(disposal: Disposal, items: list[Item], actor: Any) -> None:
    if DisposalItem.objects.filter(item__in=items).exists():
        raise DomainError("An item in the list is already in a disposal batch.", field="items")
    for item in items:
        DisposalItem.objects.create(school_id=disposal.school_id, disposal=disposal, item=item)
        before = item.status
        Item.objects.filter(pk=item.pk).update(status=Item.Status.DISPOSED,
                                               version=item.version + 1,
                                               updated_at=timezone.now())
        item.status, item.version = Item.Status.DISPOSED, item.version + 1
        audit_record(action="equipment.item.disposed", school=disposal.school_id, actor=actor,
                     target=item, target_label=item.label,
                     changes={**diff({"status": before}, {"status": item.status}),
                              "disposal": {"before": None, "after": str(disposal)}})
    if items:
        audit_record(action="equipment.disposal.items-added", school=disposal.school_id,
                     actor=actor, target=disposal,
                     changes={"items": {"before": None,
                                        "after": [item.label for item in items]}})


def disposal_create(*, school: School, actor: Any, collected_on: date | str | None,
                    company: Any = None, company_name: str = "",
                    items: Iterable[str] = (), reference: str = "",
                    waste_carrier_registration: str = "", permit_or_certification: str = "",
                    notes: str = "") -> Disposal:
    """Record a batch collected by a company, with the items (by serial number or asset
    tag) it took; each item becomes disposed of."""
    _require_manager(school, actor)
    with transaction.atomic():
        organisation = company_for(school=school, actor=actor, company=company,
                                   company_name=company_name)
        chosen = items_by_identifier(school=school, identifiers=items)
        if not chosen:
            raise DomainError("Enter the serial number or asset tag of at least one item.",
                              field="items")
        disposal = Disposal(school=school, company=organisation,
                            created_by_label=actor_label(actor))
        _clean_fields(disposal, {"reference": reference, "collected_on": collected_on,
                                 "waste_carrier_registration": waste_carrier_registration,
                                 "permit_or_certification": permit_or_certification,
                                 "notes": notes})
        full_clean_or_error(disposal, exclude=["school", "company"])
        disposal.save()
        audit_record(action="equipment.disposal.created", school=school, actor=actor,
                     target=disposal, changes=diff(None, _snapshot(disposal)))
        _add_items(disposal, chosen, actor)
    return disposal


def disposal_update(*, disposal: Disposal, actor: Any, version: int, company: Any = None,
                    company_name: str = "", add_items: Iterable[str] = (),
                    **fields: Any) -> Disposal:
    """Change a batch's details (send the version read: a newer one is refused), and add
    items to it."""
    _require_manager(disposal.school_id, actor)
    with transaction.atomic():
        locked = Disposal.objects.select_for_update().select_related("company", "school").get(
            pk=disposal.pk)
        if locked.version != version:
            raise stale_error(school=locked.school_id, target=locked, what="this disposal")
        before = _snapshot(locked)
        if company is not None or company_name:
            locked.company = company_for(school=locked.school, actor=actor, company=company,
                                         company_name=company_name)
        _clean_fields(locked, fields)
        full_clean_or_error(locked, exclude=["school", "company"])
        chosen = items_by_identifier(school=locked.school, identifiers=add_items)
        changes = diff(before, _snapshot(locked))
        if changes or chosen:
            locked.version += 1
            locked.save()
        if changes:
            audit_record(action="equipment.disposal.updated", school=locked.school_id,
                         actor=actor, target=locked, changes=changes)
        _add_items(locked, chosen, actor)
        if chosen and locked.certificate_has_text:
            _match_from_text(locked, locked.certificate_serials, actor)
    disposal.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return disposal


# ---------------------------------------------------------------------------- paperwork


def stored_path(disposal: Disposal, kind: str) -> Path | None:
    """The stored file of the batch's note or certificate, or None when there is none (or
    its name is not one of ours)."""
    name = getattr(disposal, f"{kind}_stored_name", "") if kind in KINDS else ""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return uploads.uploads_dir(FOLDER) / name


def _read_upload(uploaded_file: Any, field: str) -> bytes:
    uploads.check_upload(uploaded_file, allowed={uploads.PDF}, max_bytes=MAX_BYTES,
                         field=field)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field=field)
    return bytes(data)


def _match_from_text(disposal: Disposal, serials: list[str], actor: Any) -> None:
    """Mark the batch's unmatched items whose serial the certificate names."""
    found = set(serials)
    now = timezone.now()
    user = actor if is_user(actor) else None
    label = actor_label(actor)
    entries = DisposalItem.objects.filter(disposal=disposal, matched_by="").select_related(
        "item")
    for entry in entries:
        if entry.item.serial_key and entry.item.serial_key in found:
            entry.matched_by = DisposalItem.MatchedBy.CERTIFICATE_TEXT
            entry.matched_at, entry.matched_by_user = now, user
            entry.matched_by_label = label
            entry.save(update_fields=["matched_by", "matched_at", "matched_by_user",
                                      "matched_by_label"])


def _earlier_entry(disposal: Disposal, kind: str, now: Any) -> dict[str, Any] | None:
    """The batch's current file of this kind, as an entry of ``earlier_files``."""
    stored_name = getattr(disposal, f"{kind}_stored_name")
    if not stored_name:
        return None
    uploaded_at = getattr(disposal, f"{kind}_uploaded_at")
    return {"kind": kind, "stored_name": stored_name,
            "original_name": getattr(disposal, f"{kind}_original_name"),
            "size": getattr(disposal, f"{kind}_size"),
            "uploaded_at": uploaded_at.isoformat() if uploaded_at else None,
            "uploaded_by_label": (disposal.certificate_uploaded_by_label
                                  if kind == "certificate" else ""),
            "replaced_at": now.isoformat()}


def document_upload(*, disposal: Disposal, actor: Any, kind: str, uploaded_file: Any) -> Disposal:
    """Keep the batch's waste transfer note or certificate of secure deletion (a PDF of at
    most 10 MB, checked by its content). A certificate's text is read (before the batch is
    locked) and matched to the batch's items; a scan without text leaves them to be matched
    by hand. An earlier file of the same kind is kept, listed as an earlier version."""
    if kind not in KINDS:
        raise DomainError("Choose the waste transfer note or the certificate.", field="kind")
    _require_manager(disposal.school_id, actor)
    data = _read_upload(uploaded_file, "file")
    # Read outside the lock: reading is bounded, but nobody waits on the batch meanwhile.
    reading = certificates.read(data) if kind == "certificate" else None
    now = timezone.now()
    with uploads.stored_until_failure() as files:
        stored = files.store(data, folder=FOLDER, suffix=".pdf")
        with transaction.atomic():
            locked = Disposal.objects.select_for_update().select_related("company").get(
                pk=disposal.pk)
            earlier = _earlier_entry(locked, kind, now)
            if earlier is not None:
                locked.earlier_files = [*(locked.earlier_files or []), earlier]
            fields = {f"{kind}_stored_name": stored.name,
                      f"{kind}_original_name": uploads.original_name(uploaded_file,
                                                                     fallback=f"{kind}.pdf"),
                      f"{kind}_size": len(data), f"{kind}_uploaded_at": now}
            for name, value in fields.items():
                setattr(locked, name, value)
            changes: dict[str, Any] = {"file": {"before": earlier["original_name"]
                                                if earlier else None,
                                                "after": fields[f"{kind}_original_name"]},
                                       "sha256": {"before": None, "after": stored.sha256}}
            if reading is not None:
                changes.update(_apply_certificate(locked, reading, actor))
            locked.version += 1
            locked.save()
            audit_record(action=f"equipment.disposal.{kind}-uploaded",
                         school=locked.school_id, actor=actor, target=locked, changes=changes)
            if kind == "certificate":
                _log_destruction(locked, actor)
    disposal.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return disposal


def _log_destruction(disposal: Disposal, actor: Any) -> None:
    """The first certificate of a batch writes its one entry in the destruction log (a
    replacement certificate does not write a second): the company destroyed the batch's
    drives and devices; the day is the collection's, the only one the school knows."""
    if disposal.destructions.exists():
        return
    items = DisposalItem.objects.filter(disposal=disposal).count()
    destruction_record(
        school=disposal.school, actor=actor,
        description=f"Drives and devices collected by {disposal.company.name}"[:300],
        # A batch recorded with a date before the log's earliest (a typing slip kept from
        # before the check) is logged on that earliest day rather than refusing the upload.
        method=DestructionMethod.DISPOSAL_COMPANY,
        destroyed_on=max(disposal.collected_on, EARLIEST),
        destroyed_by_label=disposal.company.name, quantity=items or None,
        disposal=disposal, certificate_reference=disposal.reference,
        source=DestructionSource.EQUIPMENT_DISPOSAL)


def earlier_files(disposal: Disposal) -> list[dict[str, Any]]:
    """The batch's earlier notes and certificates, newest first, each with its ``number``
    (its place in ``earlier_files``, for its download)."""
    files = [{**entry, "number": number}
             for number, entry in enumerate(disposal.earlier_files or [])
             if isinstance(entry, dict) and entry.get("kind") in KINDS]
    return list(reversed(files))


def _apply_certificate(disposal: Disposal, reading: certificates.Reading,
                       actor: Any) -> dict[str, Any]:
    disposal.certificate_uploaded_by_label = actor_label(actor)
    text = reading.text
    # Matches read from an earlier certificate are read again; matches by hand stay.
    DisposalItem.objects.filter(
        disposal=disposal, matched_by=DisposalItem.MatchedBy.CERTIFICATE_TEXT).update(
        matched_by="", matched_at=None, matched_by_user=None, matched_by_label="")
    unreadable = ({"unreadable_pages": {"before": None, "after": reading.unreadable_pages}}
                  if reading.unreadable_pages else {})
    if text is None:
        disposal.certificate_has_text, disposal.certificate_serials = False, []
        return {"text": {"before": None, "after": "no text: match by hand"}, **unreadable}
    keys = list(DisposalItem.objects.filter(disposal=disposal)
                .exclude(item__serial_key="").values_list("item__serial_key", flat=True))
    matches = certificates.match_serials(
        text, keys, ignore=(disposal.reference, disposal.waste_carrier_registration,
                            disposal.permit_or_certification))
    disposal.certificate_has_text = True
    disposal.certificate_serials = matches.serials
    _match_from_text(disposal, matches.serials, actor)
    return {"matched": {"before": None, "after": len(matches.found)},
            "not_in_batch": {"before": None, "after": len(matches.unknown)}, **unreadable}


def item_match(*, disposal: Disposal, actor: Any, item_id: UUID | str,
               matched: bool) -> DisposalItem:
    """Match a batch's item to the certificate by hand (someone read it there), or withdraw
    a match. Needs the certificate to be uploaded first."""
    _require_manager(disposal.school_id, actor)
    with transaction.atomic():
        entry = (DisposalItem.objects.select_for_update().select_related("item")
                 .filter(disposal=disposal, item__public_id=item_id).first())
        if entry is None:
            raise DomainError("Choose an item of this batch.", field="item")
        if matched and not disposal.certificate_stored_name:
            raise DomainError("Upload the certificate of secure deletion first.", field="item")
        before = entry.get_matched_by_display() if entry.matched_by else "not matched"
        if matched:
            if entry.matched_by:
                return entry
            entry.matched_by = DisposalItem.MatchedBy.HAND
            entry.matched_at = timezone.now()
            entry.matched_by_user = actor if is_user(actor) else None
            entry.matched_by_label = actor_label(actor)
        else:
            if not entry.matched_by:
                return entry
            entry.matched_by, entry.matched_at, entry.matched_by_user = "", None, None
            entry.matched_by_label = ""
        entry.save(update_fields=["matched_by", "matched_at", "matched_by_user",
                                  "matched_by_label"])
        audit_record(action="equipment.disposal.matched" if matched
                     else "equipment.disposal.unmatched", school=disposal.school_id,
                     actor=actor, target=disposal,
                     changes={"item": {"before": None, "after": entry.item.label},
                              "match": {"before": before,
                                        "after": entry.get_matched_by_display()
                                        if entry.matched_by else "not matched"}})
    return entry


def _earlier_path(disposal: Disposal, kind: str, number: int) -> Path | None:
    files = disposal.earlier_files or []
    if kind not in KINDS or not 0 <= number < len(files):
        return None
    entry = files[number]
    if not isinstance(entry, dict) or entry.get("kind") != kind:
        return None
    name = str(entry.get("stored_name") or "")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return uploads.uploads_dir(FOLDER) / name


def document_open(*, disposal: Disposal, actor: Any, kind: str,
                  earlier: int | None = None) -> BinaryIO:
    """Open the batch's note or certificate for reading (``earlier``: the number of an
    earlier version, see ``earlier_files``), and audit who opened it. Reading is checked by
    the page (equipment.view). Raises DomainError when there is no file."""
    path = (stored_path(disposal, kind) if earlier is None
            else _earlier_path(disposal, kind, earlier))
    if path is None:
        raise DomainError(f"This disposal has no {KINDS.get(kind, 'such file')}.")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DomainError(f"The {KINDS[kind]} of this disposal is missing.") from None
    try:
        with transaction.atomic():
            audit_record(action="equipment.disposal.file-downloaded",
                         school=disposal.school_id, actor=actor, target=disposal,
                         changes={"file": {"before": None,
                                           "after": KINDS[kind] if earlier is None
                                           else f"earlier {KINDS[kind]}"}})
    except BaseException:
        handle.close()
        raise
    return handle
