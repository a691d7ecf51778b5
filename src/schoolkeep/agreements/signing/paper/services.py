"""Paper signatures: a member records a signed paper form on the signer's behalf, with the
form's scan (PDF, PNG or JPEG, checked by content, at most 10 MB), and reads scans back.

The scan is stored under ``settings.UPLOADS_DIR`` with a random name, readable by this
process only, before the signature is written; if the write fails the file is removed, so
nothing partial is kept.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from schoolkeep.agreements.aups.models import (
    Aup,
    AupVersion,
    Parent,
    Signature,
    SigningMethod,
)
from schoolkeep.agreements.signing.services import Scan, signature_create
from schoolkeep.audit.services import audit_record
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person
from schoolkeep.tenancy.guards import actor_label, require_permission

ACTION_LABELS = {
    "agreements.scan.downloaded": "Scan of a paper signature downloaded",
}

SCAN_FOLDER = "aup-scans"
SCAN_TYPES = {uploads.PDF, uploads.PNG, uploads.JPEG}
SCAN_MAX_BYTES = 10 * 1024 * 1024


def scans_dir() -> Path:
    return uploads.uploads_dir(SCAN_FOLDER)


def scan_path(signature: Signature) -> Path | None:
    """The scan's file, or None when the signature has none (or its name is not ours)."""
    name = signature.scan_name
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return scans_dir() / name


def _original_name(name: str) -> str:
    base = os.path.basename(str(name or "").replace("\\", "/"))
    return "".join(c for c in base if c.isprintable()).strip()[-200:] or "scan"


def signed_at_for(signed_on: date) -> datetime:
    """The instant recorded for a form signed on a day: midday, or now when that is later
    than now (a form signed this morning)."""
    noon = timezone.make_aware(datetime.combine(signed_on, time(12)))
    return min(noon, timezone.now())


def paper_signature_record(
    *,
    aup: Aup,
    actor: Any,
    scan_file: Any,
    typed_name: str,
    signed_on: date | None,
    person: Person | None = None,
    parent: Parent | None = None,
    aup_version: AupVersion | None = None,
    organisation: str = "",
    visiting: str = "",
    pupil_class: str = "",
) -> Signature:
    """Record a paper form signed by ``person`` or ``parent`` (or, for visitors and pupils,
    by the name written on it) of ``aup_version`` (default: the current one)."""
    require_permission(school=aup.school_id, actor=actor, permission="aups.manage",
                       message="You may not record paper signatures.")
    if signed_on is None:
        raise DomainError("Enter the date the form was signed.", field="signed_on")
    if signed_on > timezone.localdate():
        raise DomainError("The date signed cannot be in the future.", field="signed_on")
    content_type = uploads.check_upload(scan_file, allowed=SCAN_TYPES,
                                        max_bytes=SCAN_MAX_BYTES, field="scan")
    scan_file.seek(0)
    data = scan_file.read(SCAN_MAX_BYTES + 1)
    if len(data) > SCAN_MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="scan")
    with uploads.stored_until_failure() as files:
        stored = files.store(data, folder=SCAN_FOLDER, suffix=uploads.EXTENSIONS[content_type])
        with transaction.atomic():
            return signature_create(
                aup=aup, method=SigningMethod.PAPER, typed_name=typed_name, person=person,
                parent=parent, aup_version=aup_version, organisation=organisation,
                visiting=visiting, pupil_class=pupil_class, signed_at=signed_at_for(signed_on),
                recorded_by_label=actor_label(actor), actor=actor,
                scan=Scan(name=stored.name, content_type=content_type,
                          original_name=_original_name(getattr(scan_file, "name", "")),
                          sha256=stored.sha256))


def scan_open(*, signature: Signature, actor: Any) -> BinaryIO:
    """Open a paper signature's scan for reading, and audit who opened it. Raises
    DomainError when the signature has no scan or its file is missing."""
    path = scan_path(signature)
    if path is None:
        raise DomainError("This signature has no scan.")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DomainError("The scan of this signature is missing.") from None
    try:
        # Reading is checked by the page (aups.records, which a trust's administrators
        # hold through the trust rather than a membership).
        with transaction.atomic():
            audit_record(action="agreements.scan.downloaded", school=signature.school_id,
                         actor=actor, target=signature,
                         target_label=f"Scan of {signature.typed_name}'s signature",
                         changes={})
    except BaseException:
        handle.close()
        raise
    return handle
