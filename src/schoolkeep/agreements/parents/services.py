"""Writes of parents and carers: only what signing the parents' AUP needs (name, e-mail, the
pupils' year groups or classes). Pages, the import and the demo call these functions; each
runs in one transaction, checks that the acting member manages AUPs, and audits the record
with its before and after."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.agreements.aups.models import Parent, SigningLink
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.lib.import_bounds import quoted
from schoolkeep.lib.text import fold, tidy
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "agreements.parent.created": "Parent added",
    "agreements.parent.updated": "Parent changed",
    "agreements.parent.archived": "Parent archived",
    "agreements.parents_import.applied": "Parents imported from a file",
}

# What the audit trail records of a parent.
PARENT_FIELDS = ["full_name", "email", "classes"]

STALE_MESSAGE = ("Someone else changed this parent while you were editing. Reload the page to "
                 "see their changes, then make yours again.")
NOT_ALLOWED = "You may not change the parents of this school."

_email_validator = EmailValidator()


def clean_parent_fields(*, full_name: Any, email: Any = "", classes: Any = "") -> dict[str, str]:
    """The values as stored: tidied, e-mail lower-cased. Raises DomainError naming the field.
    The import checks its cells with this too, so a row says what a form would say."""
    name = tidy(str(full_name or ""))
    if not name:
        raise DomainError("Enter the parent's full name.", field="full_name")
    if len(name) > 200:
        raise DomainError("The name must be 200 characters or fewer.", field="full_name")
    address = tidy(str(email or "")).lower()
    if address:
        if len(address) > 254:
            raise DomainError("The e-mail must be 254 characters or fewer.", field="email")
        try:
            _email_validator(address)
        except ValidationError:
            # Only an excerpt: the import's cells (and so this message) may be long.
            raise DomainError(f"{quoted(address)} is not an e-mail address.",
                              field="email") from None
    groups = tidy(str(classes or ""))
    if len(groups) > 200:
        raise DomainError("The year groups or classes must be 200 characters or fewer.",
                          field="classes")
    return {"full_name": name, "email": address, "classes": groups}


def derive_keys(parent: Parent) -> None:
    """Set the matching keys from the values (call before saving)."""
    parent.name_key = fold(parent.full_name)
    parent.email_key = parent.email.lower()


def _email_taken(parent: Parent) -> None:
    if not parent.email_key:
        return
    clash = Parent.objects.filter(school_id=parent.school_id, email_key=parent.email_key,
                                  archived_at__isnull=True).exclude(pk=parent.pk).first()
    if clash is not None:
        raise DomainError(f"{clash.full_name} already has this e-mail address.", field="email")


def _save(parent: Parent) -> None:
    """Save, turning a clash found only by the database into the same message."""
    try:
        with transaction.atomic():
            parent.save()
    except IntegrityError:
        raise DomainError("Another parent already has this e-mail address.",
                          field="email") from None


def parent_create(*, school: School, actor: Any, full_name: str, email: str = "",
                  classes: str = "") -> Parent:
    """Add a parent or carer to the school."""
    values = clean_parent_fields(full_name=full_name, email=email, classes=classes)
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="aups.manage",
                           message=NOT_ALLOWED)
        parent = Parent(school=school, **values)
        derive_keys(parent)
        _email_taken(parent)
        _save(parent)
        audit_record(action="agreements.parent.created", school=school, actor=actor,
                     target=parent, changes=diff(None, snapshot(parent, PARENT_FIELDS)))
    return parent


def parent_update(*, parent: Parent, actor: Any, version: int, full_name: str,
                  email: str = "", classes: str = "") -> Parent:
    """Change a parent. ``version`` is the one the editor read: a newer one in the database
    raises StaleVersion. An archived parent is not changed."""
    values = clean_parent_fields(full_name=full_name, email=email, classes=classes)
    with transaction.atomic():
        require_permission(school=parent.school_id, actor=actor, permission="aups.manage",
                           message=NOT_ALLOWED)
        current = Parent.objects.select_for_update().get(pk=parent.pk)
        if current.version != version:
            raise StaleVersion(STALE_MESSAGE, field="version")
        if current.archived_at is not None:
            raise DomainError("This parent is archived and cannot be changed.")
        before = snapshot(current, PARENT_FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        derive_keys(current)
        changes = diff(before, snapshot(current, PARENT_FIELDS))
        if not changes:
            return current
        _email_taken(current)
        current.version += 1
        _save(current)
        audited: dict[str, Any] = dict(changes)
        if "email" in changes:
            # Links sent to the old address must not let whoever holds them sign.
            revoked = SigningLink.objects.filter(
                parent=current, used_at__isnull=True, revoked_at__isnull=True,
            ).update(revoked_at=timezone.now())
            if revoked:
                audited["signing_links_revoked"] = revoked
        audit_record(action="agreements.parent.updated", school=current.school_id, actor=actor,
                     target=current, changes=audited)
    return current


def parent_archive(*, parent: Parent, actor: Any) -> Parent:
    """Take a parent off the list of who must sign. Their signatures are kept; their e-mail
    may be given to a new parent. Archiving an archived parent changes nothing."""
    with transaction.atomic():
        require_permission(school=parent.school_id, actor=actor, permission="aups.manage",
                           message=NOT_ALLOWED)
        current = Parent.objects.select_for_update().get(pk=parent.pk)
        if current.archived_at is not None:
            return current
        current.archived_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(action="agreements.parent.archived", school=current.school_id,
                     actor=actor, target=current,
                     changes=diff({"archived_at": None}, {"archived_at": current.archived_at}))
    return current
