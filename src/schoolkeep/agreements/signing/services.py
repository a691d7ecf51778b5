"""Recording a signature: the one write every signing method ends in.

In Schoolkeep, by a personal link, at the kiosk or from a paper scan, each caller checks
its own conditions (the link is unused, the kiosk is open, the scan is a PDF or image) and
then calls ``signature_create`` inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.agreements.aups.models import (
    KIOSK_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Kiosk,
    Parent,
    Signature,
    SigningLink,
    SigningMethod,
)
from schoolkeep.audit.services import audit_record
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.text import tidy
from schoolkeep.people.models import Person

ACTION_LABELS = {
    "agreements.signature.created": "Acceptable use policy signed",
}

# The signing forms send the number of the version they showed, so that nobody signs a
# version published while they were reading the one before.
SHOWN_VERSION_FIELD = "version_number"
# Every signing method's refusal of an unticked agreement (forms and services alike).
AGREE_MESSAGE = "Tick the box to say that you have read the policy and agree to it."
NEWER_VERSION_MESSAGE = ("A new version of this policy was published while you were reading "
                         "it. Read the new version below, then sign it.")


def shown_version_number(data: Any) -> int | None:
    """The version number a signing form showed (None when the form did not say)."""
    try:
        return int(data.get(SHOWN_VERSION_FIELD, ""))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Scan:
    """A paper form's scan, already checked and stored by the caller."""

    name: str  # the random name under the uploads directory
    content_type: str
    original_name: str
    sha256: str


def _line(value: Any, *, field: str, label: str, required: bool = False) -> str:
    text = tidy(str(value or ""))
    if required and not text:
        raise DomainError(f"Enter {label}.", field=field)
    if len(text) > 200:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be 200 characters or fewer.",
                          field=field)
    return text


def _version_to_sign(aup: Aup, aup_version: AupVersion | None) -> AupVersion:
    if aup.current_number == 0:
        raise DomainError("This acceptable use policy has not been published yet.",
                          field="aup")
    if aup_version is None:
        return AupVersion.objects.get(aup=aup, number=aup.current_number)
    if aup_version.aup_id != aup.pk or aup_version.is_draft:
        raise DomainError("Choose a published version of this acceptable use policy.",
                          field="aup_version")
    return aup_version


def _check_signer(aup: Aup, *, person: Person | None, parent: Parent | None,
                  user: Any) -> None:
    if person is not None and person.school_id != aup.school_id:
        raise DomainError("That person is not in this school.", field="person")
    if parent is not None and parent.school_id != aup.school_id:
        raise DomainError("That parent is not in this school.", field="parent")
    if aup.audience == Audience.PARENTS:
        if parent is None or person is not None:
            raise DomainError("Choose the parent who signed.", field="parent")
    elif aup.audience in (Audience.STAFF, Audience.GOVERNORS):
        if person is None and user is None:
            raise DomainError("Choose the person who signed.", field="person")
        if parent is not None:
            raise DomainError("A parent signs the parents' acceptable use policy.",
                              field="parent")
    elif person is not None or parent is not None or user is not None:
        raise DomainError("Visitors and pupils sign with their name only.", field="person")


def signature_create(
    *,
    aup: Aup,
    method: str,
    typed_name: str,
    person: Person | None = None,
    parent: Parent | None = None,
    user: Any = None,
    aup_version: AupVersion | None = None,
    organisation: str = "",
    visiting: str = "",
    pupil_class: str = "",
    signed_at: datetime | None = None,
    ip_address: str | None = None,
    recorded_by_label: str = "",
    link: SigningLink | None = None,
    kiosk: Kiosk | None = None,
    scan: Scan | None = None,
    actor: Any = None,
    shown_number: int | None = None,
) -> Signature:
    """Record one signature of the current version (or, for paper, a published one chosen).

    Raises DomainError naming the field when something is missing or wrong; writes nothing
    then. ``actor`` is who acts for the audit trail (None for a link or kiosk signer, whose
    label comes from the audit context). ``shown_number``, when given, is the version the
    signer read: a newer one published meanwhile is refused.
    """
    if method not in SigningMethod.values:
        raise DomainError("Choose how the policy was signed.", field="method")
    name = _line(typed_name, field="typed_name", label="your full name", required=True)
    if len(name) < 2:
        raise DomainError("Enter your full name.", field="typed_name")
    details = {"organisation": _line(organisation, field="organisation", label="organisation"),
               "visiting": _line(visiting, field="visiting", label="whom you are visiting"),
               "pupil_class": _line(pupil_class, field="pupil_class", label="class")}
    if aup.audience == Audience.VISITORS and not details["visiting"]:
        raise DomainError("Enter whom you are visiting.", field="visiting")
    if method == SigningMethod.KIOSK and (kiosk is None or aup.audience not in KIOSK_AUDIENCES):
        raise DomainError("Only visitors and pupils sign at the kiosk.", field="method")
    if method == SigningMethod.LINK and link is None:
        raise DomainError("A link signature needs its link.", field="method")
    if method == SigningMethod.PAPER and scan is None:
        raise DomainError("Upload the scan of the signed form.", field="scan")
    _check_signer(aup, person=person, parent=parent, user=user)
    now = timezone.now()
    when = signed_at or now
    if when > now:
        raise DomainError("The date signed cannot be in the future.", field="signed_at")
    with transaction.atomic():
        # Read again inside the transaction: a version may have been published meanwhile.
        aup.current_number = Aup.objects.filter(pk=aup.pk).values_list(
            "current_number", flat=True).get()
        if shown_number is not None and shown_number != aup.current_number:
            raise DomainError(NEWER_VERSION_MESSAGE, field=SHOWN_VERSION_FIELD)
        version = _version_to_sign(aup, aup_version)
        signature = Signature(
            school_id=aup.school_id, aup=aup, aup_version=version,
            content_hash=version.content_hash, method=method, person=person, parent=parent,
            user=user, typed_name=name, signed_at=when, ip_address=ip_address or None,
            recorded_by_label=recorded_by_label[:200], link=link, kiosk=kiosk, **details,
        )
        if scan is not None:
            signature.scan_name = scan.name
            signature.scan_content_type = scan.content_type
            signature.scan_original_name = scan.original_name[:255]
            signature.scan_sha256 = scan.sha256
        signature.save()
        audit_record(
            action="agreements.signature.created", school=aup.school_id, actor=actor,
            target=signature, target_label=f"{aup.title}: {name}",
            changes={"aup": aup.title, "version": version.number,
                     "content_hash": version.content_hash, "method": method,
                     "typed_name": name, "signed_at": when},
        )
    return signature
