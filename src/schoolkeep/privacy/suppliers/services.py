"""Writes of the school's processors and other controllers. Pages, the API and the demo call
these functions; each runs in one transaction, checks that the acting member may manage
suppliers (``processors.manage``), validates the whole record and audits it (``processors.*``).

The agreement itself is an upload (a PDF or a Word document, recognised by its content, at
most 10 MB) kept outside the web root; opening it is audited too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib import uploads
from schoolkeep.lib.downloads import DOCX
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import clean_text, full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School

from .article28 import TERM_KEYS
from .models import DataLocation, Processor, ProcessorRole, TransferMechanism
from .selectors import name_key

ACTION_LABELS = {
    "processors.processor.created": "Supplier added",
    "processors.processor.updated": "Supplier changed",
    "processors.processor.archived": "Supplier archived",
    "processors.agreement.uploaded": "Supplier's agreement uploaded",
    "processors.agreement.downloaded": "Supplier's agreement opened",
    "processors.processor.reviewed": "Supplier's yearly review recorded",
}

# What processor_create and processor_update accept.
FIELDS = (
    "name", "role", "outside_organisation", "systems", "sub_processors", "article28_terms",
    "contract_holder", "agreement_signed_on", "agreement_review_on", "data_location",
    "transfer_mechanism", "transfer_mechanism_note", "transfer_risk_assessed_on",
    "cyber_essentials", "cyber_essentials_expires_on", "iso27001", "iso27001_expires_on",
    "security_statement",
)
_DATES = {"agreement_signed_on", "agreement_review_on", "transfer_risk_assessed_on",
          "cyber_essentials_expires_on", "iso27001_expires_on"}
_LINES = {"name": ("the supplier's name", 200), "contract_holder": ("who holds it", 200),
          "transfer_mechanism_note": ("the safeguard", 300)}
_TEXTS = {"sub_processors": ("the sub-processors", 5_000),
          "security_statement": ("the supplier's statement", 10_000)}
# Recorded in the audit trail; a value that may name a person is recorded as "changed".
AUDITED = [name for name in FIELDS if name not in ("outside_organisation", "systems")]
NAMED = ("contract_holder", "last_reviewed_by_label")

AGREEMENT_FOLDER = "processor-agreements"
AGREEMENT_MAX_BYTES = 10 * 1024 * 1024
AGREEMENT_SUFFIXES = {uploads.PDF: ".pdf", DOCX: ".docx"}
NOT_ALLOWED = "You may not change the school's suppliers."


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="processors.manage",
                       message=NOT_ALLOWED)


def _today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------- cleaning


def _refuse_unknown(fields: Iterable[str]) -> None:
    for name in fields:
        if name not in FIELDS:
            raise DomainError(f"A supplier has no field {name!r}.", field=name)


def _terms(value: Any) -> dict[str, bool]:
    if value in (None, ""):
        return {}
    if isinstance(value, (list, tuple, set, frozenset)):
        value = {key: True for key in value}
    if not isinstance(value, dict):
        raise DomainError("Tick the terms the agreement contains.", field="article28_terms")
    for key, ticked in value.items():
        if key not in TERM_KEYS:
            raise DomainError(f"There is no Article 28 term {key!r}.", field="article28_terms")
        if not isinstance(ticked, bool):
            raise DomainError("Answer each term yes or no.", field="article28_terms")
    return {key: True for key in TERM_KEYS if value.get(key)}


def _organisation(school_id: int, value: Any) -> OutsideOrganisation | None:
    if value is None:
        return None
    if not isinstance(value, OutsideOrganisation) or value.school_id != school_id:
        raise DomainError("Choose an outside organisation of this school's register.",
                          field="outside_organisation")
    return value


def _systems(school_id: int, value: Any) -> list[System]:
    chosen = list(value or [])
    for system in chosen:
        if not isinstance(system, System) or system.school_id != school_id:
            raise DomainError("Choose systems of this school's register.", field="systems")
    return sorted({system.pk: system for system in chosen}.values(),
                  key=lambda system: (system.name_key, system.pk))


def _boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise DomainError("Answer yes or no.", field=name)
    return value


def _choice(name: str, value: Any, choices: list[str], message: str) -> str:
    value = str(value or "")
    if value and value not in choices:
        raise DomainError(message, field=name)
    return value


def _apply(processor: Processor, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name in _DATES:
            value = as_date(name, value)
        elif name in _LINES:
            label, limit = _LINES[name]
            value = tidy(clean_text(value, field=name, label=label, limit=limit,
                                    required=name == "name"))
        elif name in _TEXTS:
            label, limit = _TEXTS[name]
            value = clean_text(value, field=name, label=label, limit=limit)
        elif name == "article28_terms":
            value = _terms(value)
        elif name == "iso27001":
            value = _boolean(name, value)
        elif name == "role":
            value = _choice(name, value, ProcessorRole.values,
                            "Choose a processor, a joint controller or an independent "
                            "controller.") or ProcessorRole.PROCESSOR
        elif name == "data_location":
            value = _choice(name, value, DataLocation.values,
                            "Choose the UK, the EEA or elsewhere.")
        elif name == "transfer_mechanism":
            value = _choice(name, value, TransferMechanism.values,
                            "Choose the safeguard the transfer relies on.")
        elif name == "cyber_essentials":
            value = _choice(name, value, ["ce", "ce_plus"],
                            "Choose Cyber Essentials or Cyber Essentials Plus.")
        elif name in ("outside_organisation", "systems"):
            continue  # set by the caller after validation
        setattr(processor, name, value)
    processor.name_key = name_key(processor.name)


def _check_dates(processor: Processor, today: date) -> None:
    signed, review = processor.agreement_signed_on, processor.agreement_review_on
    if signed is not None and signed > today:
        raise DomainError("The date the agreement was signed cannot be in the future.",
                          field="agreement_signed_on")
    if signed is not None and review is not None and review <= signed:
        raise DomainError("The review or expiry date must be after the date it was signed.",
                          field="agreement_review_on")
    assessed = processor.transfer_risk_assessed_on
    if assessed is not None and assessed > today:
        raise DomainError("The transfer risk assessment's date cannot be in the future.",
                          field="transfer_risk_assessed_on")


def _check_transfer(processor: Processor) -> None:
    """Data held outside the UK and the EEA needs a lawful route: UK adequacy regulations
    (naming the country or the regulations relied on; no risk assessment needed), or the
    IDTA, the Addendum or another safeguard with the transfer risk assessment's date. In the
    UK or the EEA, no mechanism is kept."""
    if processor.data_location != DataLocation.ELSEWHERE:
        processor.transfer_mechanism = ""
        processor.transfer_mechanism_note = ""
        processor.transfer_risk_assessed_on = None
        return
    mechanism = processor.transfer_mechanism
    if not mechanism:
        raise DomainError("Data held outside the UK and the EEA needs a safeguard: choose the "
                          "adequacy regulations, the IDTA, the Addendum or another.",
                          field="transfer_mechanism")
    if mechanism == TransferMechanism.ADEQUACY and not processor.transfer_mechanism_note:
        raise DomainError("Say which adequacy regulations the transfer relies on: the "
                          "country (or, for the US, the UK-US data bridge).",
                          field="transfer_mechanism_note")
    if mechanism == TransferMechanism.OTHER and not processor.transfer_mechanism_note:
        raise DomainError("Say which safeguard the transfer relies on.",
                          field="transfer_mechanism_note")
    if mechanism != TransferMechanism.ADEQUACY and processor.transfer_risk_assessed_on is None:
        raise DomainError("Enter the date of the transfer risk assessment (needed for the "
                          "IDTA, the Addendum and other safeguards).",
                          field="transfer_risk_assessed_on")


def _check_certificates(processor: Processor) -> None:
    if processor.cyber_essentials and processor.cyber_essentials_expires_on is None:
        raise DomainError("Enter the date the Cyber Essentials certificate expires.",
                          field="cyber_essentials_expires_on")
    if not processor.cyber_essentials:
        processor.cyber_essentials_expires_on = None
    if processor.iso27001 and processor.iso27001_expires_on is None:
        raise DomainError("Enter the date the ISO 27001 certificate expires.",
                          field="iso27001_expires_on")
    if not processor.iso27001:
        processor.iso27001_expires_on = None


def _validate(processor: Processor) -> None:
    _check_dates(processor, _today())
    _check_transfer(processor)
    _check_certificates(processor)
    clash = Processor.objects.filter(school_id=processor.school_id, name_key=processor.name_key,
                                     archived_at__isnull=True).exclude(pk=processor.pk)
    taken = clash.first() if processor.archived_at is None else None
    if taken is not None:
        raise DomainError(f"{taken.name} is already recorded.", field="name")
    full_clean_or_error(processor, exclude=["systems", "outside_organisation"])


def _save(processor: Processor) -> None:
    try:
        with transaction.atomic():
            processor.save()
    except IntegrityError:
        raise DomainError(f"{processor.name} is already recorded.", field="name") from None


def _snapshot(processor: Processor, systems: list[System]) -> dict[str, Any]:
    values = snapshot(processor, [*AUDITED, *NAMED, "agreement_on_file",
                                  "agreement_file_name", "last_reviewed_on"])
    values["outside_organisation"] = (str(processor.outside_organisation)
                                      if processor.outside_organisation_id else None)
    values["systems"] = [system.name for system in systems]
    return values


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> Any:
    return diff(before, after, secret_fields=NAMED)


# ---------------------------------------------------------------------------- writes


def processor_create(*, school: School, actor: Any, name: str, **fields: Any) -> Processor:
    """Record an outside organisation that handles the school's data. ``fields``: any of
    FIELDS (``outside_organisation`` an OutsideOrganisation of the school, ``systems`` the
    school's systems it provides)."""
    _refuse_unknown(fields)
    with transaction.atomic():
        _require_manager(school, actor)
        processor = Processor(school=school)
        _apply(processor, {"name": name, **fields})
        processor.outside_organisation = _organisation(
            school.pk, fields.get("outside_organisation"))
        systems = _systems(school.pk, fields.get("systems"))
        _validate(processor)
        _save(processor)
        if systems:
            processor.systems.set(systems)
        audit_record(action="processors.processor.created", school=school, actor=actor,
                     target=processor, changes=_changes(None, _snapshot(processor, systems)))
    return processor


def _locked(processor: Processor, version: int | None) -> Processor:
    # Only the supplier's row is locked (PostgreSQL refuses to lock an outer join's side).
    current = Processor.objects.select_for_update(of=("self",)).select_related(
        "outside_organisation").get(pk=processor.pk)
    if version is not None and current.version != version:
        raise stale_error(school=current.school_id, target=current, what="this supplier")
    if current.archived_at is not None:
        raise DomainError("This supplier is archived and cannot be changed.")
    return current


def _current_systems(processor: Processor) -> list[System]:
    return list(processor.systems.order_by("name_key", "pk"))


def processor_update(processor: Processor, *, actor: Any, version: int,
                     **fields: Any) -> Processor:
    """Change a supplier's record. ``version`` is the one the editor read: a newer one in
    the database raises StaleVersion."""
    _refuse_unknown(fields)
    with transaction.atomic():
        _require_manager(processor.school_id, actor)
        current = _locked(processor, version)
        old_systems = _current_systems(current)
        before = _snapshot(current, old_systems)
        _apply(current, fields)
        if "outside_organisation" in fields:
            current.outside_organisation = _organisation(
                current.school_id, fields["outside_organisation"])
        new_systems = (_systems(current.school_id, fields["systems"])
                       if "systems" in fields else old_systems)
        _validate(current)
        changes = _changes(before, _snapshot(current, new_systems))
        if not changes:
            return current
        current.version += 1
        _save(current)
        if [s.pk for s in new_systems] != [s.pk for s in old_systems]:
            current.systems.set(new_systems)
        audit_record(action="processors.processor.updated", school=current.school_id,
                     actor=actor, target=current, changes=changes)
    return current


# A Word document's parts that mean it carries macros (a .docm renamed, say).
MACRO_PART = "word/vbaProject.bin"
MACRO_CONTENT_TYPE = b"macroenabled"
CONTENT_TYPES_LIMIT = 256 * 1024  # [Content_Types].xml is a few kilobytes


def _starts_as_xml(start: bytes) -> bool:
    """A Word document's body is XML: a declaration, or its root element at once."""
    start = start.removeprefix(b"\xef\xbb\xbf").lstrip()
    return start.startswith((b"<?xml", b"<w:document"))


def agreement_file_type(data: bytes) -> str:
    """PDF or Word (DOCX, without macros), from the content; a DomainError on
    ``agreement_file`` otherwise."""
    field = "agreement_file"
    if uploads.sniff(data[:uploads.SNIFF_BYTES]) == uploads.PDF:
        return uploads.PDF
    if data.startswith(b"PK\x03\x04"):
        with uploads.open_zip(data, field=field) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                types = uploads.zip_member_start(archive, "[Content_Types].xml",
                                                 CONTENT_TYPES_LIMIT, field=field)
                if MACRO_PART in names or MACRO_CONTENT_TYPE in types.lower():
                    raise DomainError("The agreement is a Word document with macros: save it "
                                      "as a plain Word document (.docx) or a PDF.",
                                      field=field)
                if _starts_as_xml(uploads.zip_member_start(archive, "word/document.xml", 64,
                                                           field=field)):
                    return DOCX
    raise DomainError("The agreement must be a PDF or a Word document (.docx).", field=field)


def _read_agreement(uploaded_file: Any) -> bytes:
    if uploaded_file is None:
        raise DomainError("Choose the agreement's file to upload.", field="agreement_file")
    size = getattr(uploaded_file, "size", None)
    too_large = DomainError("The agreement must be smaller than 10 MB.", field="agreement_file")
    if size is not None and size > AGREEMENT_MAX_BYTES:
        raise too_large
    uploaded_file.seek(0)
    data = bytes(uploaded_file.read(AGREEMENT_MAX_BYTES + 1))
    if len(data) > AGREEMENT_MAX_BYTES:
        raise too_large
    if not data:
        raise DomainError("The file is empty.", field="agreement_file")
    return data


def processor_agreement_upload(processor: Processor, *, actor: Any, version: int,
                               uploaded_file: Any, signed_on: Any, review_on: Any = None,
                               contract_holder: str = "") -> Processor:
    """Keep the signed agreement (a PDF or a Word document) with its signed date, its review
    or expiry date and who holds the contract: the agreement is then on file. A new upload
    replaces the previous document (which is deleted once the change is saved)."""
    data = _read_agreement(uploaded_file)
    content_type = agreement_file_type(data)
    original = uploads.original_name(uploaded_file, fallback="agreement")
    signed = as_date("signed_on", signed_on)
    if signed is None:
        raise DomainError("Enter the date the agreement was signed.", field="signed_on")
    review = as_date("review_on", review_on)
    holder = tidy(clean_text(contract_holder, field="contract_holder", label="who holds it",
                             limit=200))
    with uploads.stored_until_failure() as files, transaction.atomic():
        _require_manager(processor.school_id, actor)
        current = _locked(processor, version)
        systems = _current_systems(current)
        before = _snapshot(current, systems)
        previous = current.agreement_file
        try:
            _apply(current, {"agreement_signed_on": signed, "agreement_review_on": review,
                             "contract_holder": holder})
            _check_dates(current, _today())
        except DomainError as exc:  # the form names these fields as the upload does
            field = {"agreement_signed_on": "signed_on",
                     "agreement_review_on": "review_on"}.get(exc.field or "", exc.field)
            raise DomainError(exc.message, field=field) from None
        current.agreement_file = files.store(
            data, folder=AGREEMENT_FOLDER, suffix=AGREEMENT_SUFFIXES[content_type]).name
        current.agreement_file_name = original
        current.agreement_on_file = True
        current.version += 1
        full_clean_or_error(current, exclude=["systems", "outside_organisation"])
        current.save()
        audit_record(action="processors.agreement.uploaded", school=current.school_id,
                     actor=actor, target=current,
                     changes=_changes(before, _snapshot(current, systems)))
        if previous:
            transaction.on_commit(lambda: agreement_path(previous).unlink(missing_ok=True))
    return current


def agreement_path(file_name: str) -> Path:
    return uploads.uploads_dir(AGREEMENT_FOLDER) / Path(file_name).name


def agreement_content_type(processor: Processor) -> str:
    return DOCX if processor.agreement_file.endswith(".docx") else uploads.PDF


def processor_agreement_open(processor: Processor, *, actor: Any) -> BinaryIO:
    """Open the agreement's document for reading, and audit who opened it. A DomainError
    when there is none (a tick from before Schoolkeep kept the document, say)."""
    if not processor.agreement_file:
        raise DomainError("No document of this agreement is kept.")
    try:
        handle = agreement_path(processor.agreement_file).open("rb")
    except FileNotFoundError:
        raise DomainError("The agreement's document is missing.") from None
    with transaction.atomic():
        audit_record(action="processors.agreement.downloaded", school=processor.school_id,
                     actor=actor, target=processor, changes={})
    return handle


def processor_review_record(processor: Processor, *, actor: Any, version: int,
                            reviewed_on: Any) -> Processor:
    """Record the yearly review of a supplier (its agreement, where the data is, its
    security evidence), by whoever manages suppliers (the DPO, usually)."""
    reviewed = as_date("reviewed_on", reviewed_on)
    if reviewed is None:
        raise DomainError("Enter the date of the review.", field="reviewed_on")
    if reviewed > _today():
        raise DomainError("The date of the review cannot be in the future.",
                          field="reviewed_on")
    with transaction.atomic():
        _require_manager(processor.school_id, actor)
        current = _locked(processor, version)
        systems = _current_systems(current)
        before = _snapshot(current, systems)
        current.last_reviewed_on = reviewed
        current.last_reviewed_by_label = actor_label(actor)
        current.version += 1
        current.save()
        audit_record(action="processors.processor.reviewed", school=current.school_id,
                     actor=actor, target=current,
                     changes=_changes(before, _snapshot(current, systems)))
    return current


def processor_archive(processor: Processor, *, actor: Any) -> Processor:
    """Take a supplier off the list (it keeps its history and its page; the name may be used
    again). Archiving an archived supplier changes nothing."""
    with transaction.atomic():
        _require_manager(processor.school_id, actor)
        current = Processor.objects.select_for_update().get(pk=processor.pk)
        if current.archived_at is not None:
            return current
        current.archived_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(action="processors.processor.archived", school=current.school_id,
                     actor=actor, target=current,
                     changes=diff({"archived_at": None}, {"archived_at": current.archived_at}))
    return current
