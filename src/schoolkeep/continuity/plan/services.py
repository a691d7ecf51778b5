"""Writes of the recovery plan: its text, its uploaded document (PDF or Word, checked by its
content; an earlier upload is kept in ``earlier_documents``), the contacts to call in order
(added, changed, moved up or down, removed, or the usual ones added at once), the order to
restore the school's systems (each scope's ``restore_order``) and the log of plan tests.

Every function runs in one transaction, checks that a person acting holds
``continuity.manage`` (the demo is trusted) and writes the audit trail. A school has one plan
row, made the first time it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.continuity.models import PlanContact, PlanTest, RecoveryPlan, Scope
from schoolkeep.continuity.plan.defaults import DEFAULT_CONTACTS
from schoolkeep.lib import uploads
from schoolkeep.lib.downloads import DOCX
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders

ACTION_LABELS = {
    "continuity.plan.text-changed": "Recovery plan changed",
    "continuity.plan.document-uploaded": "Recovery plan document uploaded",
    "continuity.plan.document-downloaded": "Recovery plan document downloaded",
    "continuity.plan.contact-added": "Recovery plan contact added",
    "continuity.plan.contact-changed": "Recovery plan contact changed",
    "continuity.plan.contact-moved": "Recovery plan contact moved",
    "continuity.plan.contact-removed": "Recovery plan contact removed",
    "continuity.plan.restore-order-changed": "Order to restore the systems changed",
    "continuity.plan.tested": "Recovery plan test recorded",
}

PERMISSION = "continuity.manage"
FOLDER = "continuity-plans"
MAX_BYTES = 10 * 1024 * 1024
MAX_TEXT = 50_000  # characters of the plan written in Schoolkeep
MAX_NOTE = 5_000  # characters of a test's participants or findings
MAX_CONTACTS = 30
TYPES = {uploads.PDF: ".pdf", DOCX: ".docx"}
CONTACT_FIELDS = ["kind", "name", "phone", "email", "when_to_call"]


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission=PERMISSION,
                       message="You may not change the recovery plan.")


def _locked_plan(school: School) -> RecoveryPlan:
    """The school's plan row, locked (made when the school has none yet)."""
    RecoveryPlan.objects.get_or_create(school=school)
    return RecoveryPlan.objects.select_for_update().get(school=school)


def _clean_text(value: Any, *, field: str, limit: int, what: str) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(f"{what} cannot hold a NUL character.", field=field)
    if len(text) > limit:
        raise DomainError(f"{what} must be at most {limit:,} characters.", field=field)
    return text


# ------------------------------------------------------------------------------- the text


def plan_text_save(*, school: School, actor: Any, text: str, version: int) -> RecoveryPlan:
    """Keep the plan as written in Schoolkeep (send the version read: a newer one is
    refused). An empty text is allowed when a document is uploaded."""
    _require_manager(school, actor)
    cleaned = _clean_text(text, field="text", limit=MAX_TEXT, what="The plan")
    with transaction.atomic():
        plan = _locked_plan(school)
        if plan.version != version:
            raise stale_error(school=school, target=plan, what="the recovery plan")
        if not cleaned and not plan.document_stored_name:
            raise DomainError("Write the plan, or upload it as a document.", field="text")
        if cleaned == plan.text:
            return plan
        before = plan.text
        plan.text = cleaned
        plan.updated_by_label = actor_label(actor)
        plan.version += 1
        plan.save()
        audit_record(action="continuity.plan.text-changed", school=school, actor=actor,
                     target=plan, changes={"text": {"before": len(before),
                                                    "after": len(cleaned)}})
    return plan


# --------------------------------------------------------------------------- the document


def document_type(data: bytes, *, field: str = "file") -> str:
    """PDF or Word (DOCX), from the content; a DomainError naming ``field`` otherwise."""
    if not data:
        raise DomainError("The file is empty.", field=field)
    if uploads.sniff(data[:uploads.SNIFF_BYTES]) == uploads.PDF:
        return uploads.PDF
    if data.startswith(b"PK\x03\x04"):
        with uploads.open_zip(data, field=field) as archive:
            names = set(archive.namelist())
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
    raise DomainError("The file must be a PDF or a Word document (.docx).", field=field)


def _read_upload(uploaded_file: Any) -> bytes:
    if uploaded_file is None:
        raise DomainError("Choose a file to upload.", field="file")
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="file")
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="file")
    return bytes(data)


def plan_document_upload(*, school: School, actor: Any, uploaded_file: Any) -> RecoveryPlan:
    """Keep the plan's document (a PDF or a Word document of at most 10 MB, checked by its
    content). The document uploaded before stays, listed as an earlier one."""
    _require_manager(school, actor)
    data = _read_upload(uploaded_file)
    content_type = document_type(data)
    suffix = TYPES[content_type]
    now = timezone.now()
    with uploads.stored_until_failure() as files:
        stored = files.store(data, folder=FOLDER, suffix=suffix)
        with transaction.atomic():
            plan = _locked_plan(school)
            before = plan.document_original_name or None
            if plan.document_stored_name:
                uploaded_at = plan.document_uploaded_at
                plan.earlier_documents = [*(plan.earlier_documents or []), {
                    "stored_name": plan.document_stored_name,
                    "original_name": plan.document_original_name,
                    "size": plan.document_size,
                    "uploaded_at": uploaded_at.isoformat() if uploaded_at else None,
                    "replaced_at": now.isoformat()}]
            plan.document_stored_name = stored.name
            plan.document_original_name = uploads.original_name(
                uploaded_file, fallback=f"recovery-plan{suffix}")
            plan.document_size = len(data)
            plan.document_uploaded_at = now
            plan.updated_by_label = actor_label(actor)
            plan.version += 1
            plan.save()
            audit_record(action="continuity.plan.document-uploaded", school=school,
                         actor=actor, target=plan,
                         changes={"file": {"before": before,
                                           "after": plan.document_original_name},
                                  "sha256": {"before": None, "after": stored.sha256}})
    return plan


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def _local_day(value: Any) -> date | None:
    instant = parse_datetime(value) if isinstance(value, str) else None
    if instant is None or timezone.is_naive(instant):
        return None
    return timezone.localdate(instant)


def earlier_documents(plan: RecoveryPlan | None) -> list[dict[str, Any]]:
    """The plan's earlier documents, newest first, each with its ``number`` (its place in
    ``earlier_documents``, for its download) and ``replaced_on``: the local day it was
    replaced (stored as a UTC instant; None when unreadable)."""
    if plan is None:
        return []
    files = [{**entry, "number": number, "replaced_on": _local_day(entry.get("replaced_at"))}
             for number, entry in enumerate(plan.earlier_documents or [])
             if isinstance(entry, dict) and _safe_name(str(entry.get("stored_name") or ""))]
    return list(reversed(files))


def _document_path(plan: RecoveryPlan, earlier: int | None) -> Path | None:
    if earlier is None:
        name = plan.document_stored_name
    else:
        entries = plan.earlier_documents or []
        if not 0 <= earlier < len(entries) or not isinstance(entries[earlier], dict):
            return None
        name = str(entries[earlier].get("stored_name") or "")
    return uploads.uploads_dir(FOLDER) / name if _safe_name(name) else None


def content_type_of(path: Path) -> str:
    """The type a stored document was accepted as (its suffix is of our making)."""
    return DOCX if path.suffix == ".docx" else uploads.PDF


def plan_document_open(*, plan: RecoveryPlan, actor: Any,
                       earlier: int | None = None) -> tuple[BinaryIO, str]:
    """Open the plan's document (``earlier``: the number of an earlier one) and audit who
    opened it; (the file, its content type). Reading is checked by the page. A DomainError
    when there is none."""
    path = _document_path(plan, earlier)
    if path is None:
        raise DomainError("The recovery plan has no such document.")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DomainError("The recovery plan's document is missing.") from None
    try:
        with transaction.atomic():
            audit_record(action="continuity.plan.document-downloaded", school=plan.school_id,
                         actor=actor, target=plan,
                         changes={"file": {"before": None, "after": "current document"
                                           if earlier is None else "earlier document"}})
    except BaseException:
        handle.close()
        raise
    return handle, content_type_of(path)


# ----------------------------------------------------------------------------- contacts


def _clean_contact(contact: PlanContact, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise DomainError(f"A contact has no field {name!r}.", field=name)
        text = _clean_text(value, field=name, limit=300, what="The text")
        setattr(contact, name, text if name == "when_to_call" else tidy(text))
    if contact.kind not in PlanContact.Kind.values:
        raise DomainError("Choose who this contact is.", field="kind")
    if not contact.name:
        raise DomainError("Enter the contact's name.", field="name")
    if not contact.phone and not contact.email and not contact.when_to_call:
        raise DomainError("Enter a telephone number, an e-mail address or when to call.",
                          field="phone")


def _snapshot(contact: PlanContact) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in CONTACT_FIELDS}


def contact_create(*, school: School, actor: Any, kind: str, name: str, phone: str = "",
                   email: str = "", when_to_call: str = "") -> PlanContact:
    """Add a contact at the end of the list."""
    _require_manager(school, actor)
    with transaction.atomic():
        _locked_plan(school)  # one writer of the order at a time
        last = (PlanContact.objects.filter(school=school).aggregate(n=Max("position"))["n"]
                or 0)
        if last >= MAX_CONTACTS:
            # About the list, not the name typed: shown above the form.
            raise DomainError(f"A plan lists at most {MAX_CONTACTS} contacts: take one off "
                              "before adding another.", field=None)
        contact = PlanContact(school=school, position=last + 1)
        _clean_contact(contact, {"kind": kind, "name": name, "phone": phone, "email": email,
                                 "when_to_call": when_to_call})
        full_clean_or_error(contact, exclude=["school"])
        contact.save()
        audit_record(action="continuity.plan.contact-added", school=school, actor=actor,
                     target=contact, changes=diff(None, _snapshot(contact)))
    return contact


def contact_update(*, contact: PlanContact, actor: Any, version: int,
                   **fields: Any) -> PlanContact:
    """Change a contact (send the version read: a newer one is refused)."""
    _require_manager(contact.school_id, actor)
    with transaction.atomic():
        locked = PlanContact.objects.select_for_update().get(pk=contact.pk)
        if locked.version != version:
            raise stale_error(school=locked.school_id, target=locked, what="this contact")
        before = _snapshot(locked)
        _clean_contact(locked, fields)
        full_clean_or_error(locked, exclude=["school"])
        changes = diff(before, _snapshot(locked))
        if changes:
            locked.version += 1
            locked.save()
            audit_record(action="continuity.plan.contact-changed", school=locked.school_id,
                         actor=actor, target=locked, changes=changes)
    return locked


def _renumber(school_id: int, ordered: list[PlanContact]) -> None:
    for position, entry in enumerate(ordered, start=1):
        if entry.position != position:
            PlanContact.objects.filter(pk=entry.pk).update(position=position)
            entry.position = position


def contact_move(*, contact: PlanContact, actor: Any, direction: str) -> bool:
    """Move a contact one place up (called sooner) or down. False when it is already first
    (up) or last (down): nothing moves and nothing is audited. A DomainError when it was
    taken off the plan meanwhile."""
    if direction not in ("up", "down"):
        raise DomainError("Move the contact up or down.", field="direction")
    _require_manager(contact.school_id, actor)
    with transaction.atomic():
        RecoveryPlan.objects.select_for_update().filter(school_id=contact.school_id).first()
        ordered = list(PlanContact.objects.select_for_update()
                       .filter(school_id=contact.school_id).order_by("position", "id"))
        index = next((i for i, c in enumerate(ordered) if c.pk == contact.pk), None)
        if index is None:
            raise DomainError("This contact is no longer in the plan.")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            return False
        ordered[index], ordered[other] = ordered[other], ordered[index]
        moved = ordered[other]
        before = moved.position
        _renumber(contact.school_id, ordered)
        audit_record(action="continuity.plan.contact-moved", school=contact.school_id,
                     actor=actor, target=moved,
                     changes={"position": {"before": before, "after": moved.position}})
    return True


def contact_remove(*, contact: PlanContact, actor: Any) -> None:
    """Take a contact off the plan (the audit trail keeps what it said); the others close
    up."""
    _require_manager(contact.school_id, actor)
    with transaction.atomic():
        RecoveryPlan.objects.select_for_update().filter(school_id=contact.school_id).first()
        locked = PlanContact.objects.select_for_update().filter(pk=contact.pk).first()
        if locked is None:
            return
        audit_record(action="continuity.plan.contact-removed", school=locked.school_id,
                     actor=actor, target=locked, changes=diff(_snapshot(locked), None))
        locked.delete()
        _renumber(contact.school_id, list(PlanContact.objects.filter(
            school_id=contact.school_id).order_by("position", "id")))


def contacts_add_defaults(*, school: School, actor: Any) -> list[PlanContact]:
    """Add the usual contacts the plan does not list yet (by kind), after those it lists:
    IT support, the DPO (the key contacts' DPO and telephone number, when the school has them),
    the RPA's helpline, the DfE's sector cyber team, Action Fraud and the police."""
    _require_manager(school, actor)
    added: list[PlanContact] = []
    with transaction.atomic():
        _locked_plan(school)
        existing = list(PlanContact.objects.filter(school=school))
        kinds = {contact.kind for contact in existing}
        position = max((contact.position for contact in existing), default=0)
        dpos = active_role_holders(school=school, roles=[Role.DPO.value])[Role.DPO.value]
        for default in DEFAULT_CONTACTS:
            if default.kind in kinds or position >= MAX_CONTACTS:
                continue
            name, phone, email = default.name, default.phone, ""
            if default.kind == PlanContact.Kind.DPO:
                # The key contacts' DPO: the first holder of the role, and the school's number.
                phone = school.dpo_phone
                if dpos:
                    name = f"{default.name}: {dpos[0].full_name or dpos[0].email}"[:200]
                    email = dpos[0].email
            position += 1
            contact = PlanContact(school=school, position=position, kind=default.kind,
                                  name=name, phone=phone or "", email=email,
                                  when_to_call=default.when_to_call)
            full_clean_or_error(contact, exclude=["school"])
            contact.save()
            audit_record(action="continuity.plan.contact-added", school=school, actor=actor,
                         target=contact, changes=diff(None, _snapshot(contact)))
            added.append(contact)
    return added


# ------------------------------------------------------------------------ restore order


def restore_order_save(*, school: School, actor: Any,
                       orders: Mapping[str, int | None]) -> int:
    """Set the order to restore the school's systems: {scope public id: its place (1
    first) or None to leave it out}. Scopes not named keep theirs. Returns how many
    changed. A place must be 1 to 999; an archived or unknown scope is refused."""
    _require_manager(school, actor)
    wanted: dict[str, int | None] = {}
    for key, value in orders.items():
        if value is not None and (not isinstance(value, int) or not 1 <= value <= 999):
            raise DomainError("Enter a place from 1 to 999, or leave it empty.",
                              field=f"order-{key}")
        wanted[str(key)] = value
    changed = 0
    with transaction.atomic():
        scopes = {str(scope.public_id): scope for scope in Scope.objects.select_for_update()
                  .filter(school=school, archived_at__isnull=True)}
        unknown = [key for key in wanted if key not in scopes]
        if unknown:
            raise DomainError("Choose the systems from the list.", field="orders")
        # With the systems not named keeping theirs, no two may share a place.
        places = [wanted.get(key, scope.restore_order) for key, scope in scopes.items()]
        taken = [place for place in places if place is not None]
        if len(taken) != len(set(taken)):
            raise DomainError("Give each system its own place: two share one.", field=None)
        for key, value in wanted.items():
            scope = scopes[key]
            if scope.restore_order == value:
                continue
            before = scope.restore_order
            Scope.objects.filter(pk=scope.pk).update(restore_order=value,
                                                     version=scope.version + 1,
                                                     updated_at=timezone.now())
            audit_record(action="continuity.plan.restore-order-changed", school=school,
                         actor=actor, target=scope, target_label=scope.name,
                         changes={"restore_order": {"before": before, "after": value}})
            changed += 1
    return changed


# --------------------------------------------------------------------------- plan tests


def plan_test_create(*, school: School, actor: Any, tested_on: date | str | None, kind: str,
                     participants: str, findings: str = "") -> PlanTest:
    """Record a test of the plan (a tabletop exercise counts): when, what kind, who took part
    and what was learnt."""
    _require_manager(school, actor)
    day = as_date("tested_on", tested_on)
    if day is None:
        raise DomainError("Enter the date of the test.", field="tested_on")
    if day > timezone.localdate():
        raise DomainError("The date of the test cannot be in the future.", field="tested_on")
    if day.year < 2000:
        raise DomainError("Enter a date from 2000 on.", field="tested_on")
    if kind not in PlanTest.Kind.values:
        raise DomainError("Choose the kind of test.", field="kind")
    who = _clean_text(participants, field="participants", limit=MAX_NOTE,
                      what="Who took part")
    if not who:
        raise DomainError("Enter who took part.", field="participants")
    learnt = _clean_text(findings, field="findings", limit=MAX_NOTE, what="What was learnt")
    with transaction.atomic():
        test = PlanTest(school=school, tested_on=day, kind=kind, participants=who,
                        findings=learnt, recorded_by_label=actor_label(actor))
        full_clean_or_error(test, exclude=["school"])
        test.save()
        audit_record(action="continuity.plan.tested", school=school, actor=actor,
                     target=test, changes=diff(None, {"tested_on": day.isoformat(),
                                                      "kind": kind, "participants": who,
                                                      "findings": learnt}))
    return test
