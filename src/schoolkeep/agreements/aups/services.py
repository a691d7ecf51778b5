"""Writes of the acceptable use policies: setting them up, their settings, drafting and
publishing versions, signing in the application, and opening a signature's PDF.

Each runs in one transaction, checks that the acting member may do it, and is audited.
A published version is never changed: only a draft is edited, and publishing fixes it.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from schoolkeep.agreements.aups import selectors
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Signature, SigningMethod
from schoolkeep.agreements.aups.starting_texts import starting_text
from schoolkeep.agreements.signing.services import AGREE_MESSAGE, signature_create
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission, user_holds
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "agreements.aup.created": "Acceptable use policy added",
    "agreements.aup.updated": "Acceptable use policy's settings changed",
    "agreements.draft.created": "Acceptable use policy draft started",
    "agreements.draft.updated": "Acceptable use policy draft changed",
    "agreements.version.published": "Acceptable use policy version published",
    "agreements.signature.pdf_downloaded": "Signed acceptable use policy downloaded",
}

# The audiences every school has; pupils are added when the school wants them.
STANDARD_AUDIENCES = (Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS, Audience.VISITORS)
TITLES = {
    Audience.STAFF: "Acceptable use policy for staff",
    Audience.GOVERNORS: "Acceptable use policy for governors",
    Audience.PARENTS: "Acceptable use policy for parents and carers",
    Audience.VISITORS: "Acceptable use policy for visitors",
    Audience.PUPILS: "Acceptable use policy for pupils",
}
MAX_TEXT_LENGTH = 50_000
STALE_MESSAGE = ("Someone else changed this while you were editing it. Reload the page to see "
                 "their changes, then make yours again.")
MANAGE_MESSAGE = "You may not change the acceptable use policies of this school."


def content_hash(text: str) -> str:
    """SHA-256 of the text as UTF-8: the proof of what was signed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="aups.manage",
                       message=MANAGE_MESSAGE)


def _clean_text(text: Any) -> str:
    """The text as stored and hashed: one kind of line ending, no blank edges."""
    value = str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        raise DomainError("Enter the text of the acceptable use policy.", field="text")
    if len(value) > MAX_TEXT_LENGTH:
        raise DomainError(f"The text must be {MAX_TEXT_LENGTH:,} characters or fewer; it has "
                          f"{len(value):,}.", field="text")
    return value


# ---------------------------------------------------------------------------- the policies


def _create(*, school: School, actor: Any, audience: str) -> Aup:
    aup = Aup(school=school, audience=audience, title=TITLES[Audience(audience)])
    try:
        with transaction.atomic():
            aup.save()
    except IntegrityError:
        raise DomainError("This school already has an acceptable use policy for "
                          f"{Audience(audience).label.lower()}.", field="audience") from None
    text = starting_text(audience)
    draft = AupVersion.objects.create(
        school=school, aup=aup, number=1, text=text, content_hash=content_hash(text),
        summary_of_changes="First version, from Schoolkeep's starting text.",
        created_by_label=actor_label(actor))
    audit_record(action="agreements.aup.created", school=school, actor=actor, target=aup,
                 changes={"audience": audience, "title": aup.title,
                          "draft": {"number": draft.number, "content_hash": draft.content_hash}})
    return aup


def aup_create(*, school: School, actor: Any, audience: str) -> Aup:
    """Add the acceptable use policy of one more audience (pupils is optional), with a draft
    version 1 holding the starting text."""
    if audience not in Audience.values:
        raise DomainError("Choose who the acceptable use policy is for.", field="audience")
    with transaction.atomic():
        _require_manager(school, actor)
        if Aup.objects.filter(school=school, audience=audience).exists():
            raise DomainError("This school already has an acceptable use policy for "
                              f"{Audience(audience).label.lower()}.", field="audience")
        return _create(school=school, actor=actor, audience=audience)


def aups_set_up(*, school: School, actor: Any) -> list[Aup]:
    """The acceptable use policies of the standard audiences (staff, governors, parents,
    visitors), creating any missing with a draft of the starting text. Running it again
    creates nothing."""
    with transaction.atomic():
        _require_manager(school, actor)
        existing = {aup.audience: aup for aup in
                    Aup.objects.filter(school=school, audience__in=list(STANDARD_AUDIENCES))}
        return [existing.get(audience) or _create(school=school, actor=actor, audience=audience)
                for audience in STANDARD_AUDIENCES]


def aup_update(*, aup: Aup, actor: Any, title: str, link_valid_days: Any, version: int) -> Aup:
    """Change an acceptable use policy's title and how long its signing links work."""
    title = tidy(str(title or ""))
    if not title:
        raise DomainError("Enter the title.", field="title")
    if len(title) > 200:
        raise DomainError("The title must be 200 characters or fewer.", field="title")
    try:
        days = int(link_valid_days)
    except (TypeError, ValueError):
        raise DomainError("Enter the number of days as a whole number, such as 30.",
                          field="link_valid_days") from None
    if isinstance(link_valid_days, bool) or not 1 <= days <= 365:
        raise DomainError("Enter a number of days from 1 to 365.", field="link_valid_days")
    with transaction.atomic():
        _require_manager(aup.school_id, actor)
        current = Aup.objects.select_for_update().get(pk=aup.pk)
        if current.version != version:
            raise StaleVersion(STALE_MESSAGE, field="version")
        before = snapshot(current, ["title", "link_valid_days"])
        current.title, current.link_valid_days = title, days
        changes = diff(before, snapshot(current, ["title", "link_valid_days"]))
        if not changes:
            return current
        current.version += 1
        current.save()
        audit_record(action="agreements.aup.updated", school=current.school_id, actor=actor,
                     target=current, changes=changes)
    return current


# ---------------------------------------------------------------------------- versions


def draft_save(*, aup: Aup, actor: Any, text: str, summary_of_changes: str = "",
               version: int | None = None) -> AupVersion:
    """Start the next draft, or change the one there is. ``version`` is the draft's version
    the editor read: a newer draft, or a draft published since, raises StaleVersion."""
    cleaned = _clean_text(text)
    summary = tidy(str(summary_of_changes or ""))
    if len(summary) > 500:
        raise DomainError("The summary of changes must be 500 characters or fewer.",
                          field="summary_of_changes")
    with transaction.atomic():
        _require_manager(aup.school_id, actor)
        Aup.objects.select_for_update().get(pk=aup.pk)  # one writer of drafts at a time
        draft = (AupVersion.objects.select_for_update()
                 .filter(aup=aup, published_at__isnull=True).first())
        if draft is None:
            if version is not None:
                raise StaleVersion("This draft has been published since you opened it. Start "
                                   "a new draft from the published text.", field="version")
            last = AupVersion.objects.filter(aup=aup).aggregate(n=Max("number"))["n"] or 0
            draft = AupVersion.objects.create(
                school_id=aup.school_id, aup=aup, number=last + 1, text=cleaned,
                content_hash=content_hash(cleaned), summary_of_changes=summary,
                created_by_label=actor_label(actor))
            audit_record(action="agreements.draft.created", school=aup.school_id, actor=actor,
                         target=draft, changes={"number": draft.number,
                                                "content_hash": draft.content_hash,
                                                "summary_of_changes": summary})
            return draft
        if version is not None and draft.version != version:
            raise StaleVersion(STALE_MESSAGE, field="version")
        before = snapshot(draft, ["content_hash", "summary_of_changes"])
        draft.text, draft.content_hash = cleaned, content_hash(cleaned)
        draft.summary_of_changes = summary
        changes = diff(before, snapshot(draft, ["content_hash", "summary_of_changes"]))
        if not changes:
            return draft
        draft.version += 1
        draft.save()
        audit_record(action="agreements.draft.updated", school=aup.school_id, actor=actor,
                     target=draft, changes=changes)
    return draft


def version_publish(*, draft: AupVersion, actor: Any, requires_everyone_to_sign: bool,
                    version: int | None = None) -> AupVersion:
    """Publish a draft: its text is fixed from now on and it becomes the version to sign.
    When everyone must sign again (always for a first version), earlier signatures stop
    counting; a minor version leaves them counting and only new signers sign it.
    ``version`` is the draft's version the publisher read: a draft changed since raises
    StaleVersion naming who changed it, so that no one publishes a text they never saw.
    None skips the comparison (the demo and set-up code, which publish what they wrote)."""
    if not isinstance(requires_everyone_to_sign, bool):
        raise DomainError("Choose who must sign this version.",
                          field="requires_everyone_to_sign")
    with transaction.atomic():
        _require_manager(draft.school_id, actor)
        aup = Aup.objects.select_for_update().get(pk=draft.aup_id)
        current = AupVersion.objects.select_for_update().get(pk=draft.pk)
        if not current.is_draft:
            raise DomainError("This version is already published.", field="draft")
        if version is not None and current.version != version:
            raise stale_error(school=aup.school_id, target=current, what="this draft")
        if current.content_hash != content_hash(current.text):
            raise DomainError("The draft's text does not match its hash: save it again.",
                              field="draft")
        everyone = requires_everyone_to_sign or aup.sign_from == 0
        current.requires_everyone_to_sign = everyone
        current.published_at = timezone.now()
        current.published_by_label = actor_label(actor)
        current.version += 1
        current.save()
        before = snapshot(aup, ["current_number", "sign_from"])
        aup.current_number = current.number
        if everyone:
            aup.sign_from = current.number
        aup.version += 1
        aup.save()
        audit_record(action="agreements.version.published", school=aup.school_id, actor=actor,
                     target=current,
                     changes={"number": current.number, "content_hash": current.content_hash,
                              "requires_everyone_to_sign": everyone,
                              **diff(before, snapshot(aup, ["current_number", "sign_from"]))})
    return current


# ---------------------------------------------------------------------------- signing


def _address(ip_address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip_address)) if ip_address else None
    except ValueError:
        return None


def aup_sign_in_app(*, aup: Aup, user: Any, typed_name: str, agreed: bool,
                    ip_address: str | None = None,
                    shown_number: int | None = None) -> Signature:
    """A member signs, in the application, the current version of the acceptable use policy
    that applies to them (by their person record's kind, else by their roles)."""
    if not is_user(user) or not user_holds(school=aup.school_id, user=user,
                                           permission="aups.sign"):
        raise NotAllowed("You may not sign acceptable use policies in this school.")
    mine = selectors.member_aup(school=aup.school, user=user)
    if mine.audience != aup.audience:
        raise DomainError("This acceptable use policy is not the one for you.", field="aup")
    if agreed is not True:
        raise DomainError(AGREE_MESSAGE, field="agreed")
    with transaction.atomic():
        return signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name=typed_name,
                                person=mine.person, user=user, ip_address=_address(ip_address),
                                actor=user, shown_number=shown_number)


def signature_pdf(*, signature: Signature, actor: Any) -> bytes:
    """The PDF of a signature with the exact text signed, its hash and how it was signed.
    Audited: who downloaded which signature."""
    content = selectors.signature_pdf_bytes(signature)
    with transaction.atomic():
        audit_record(action="agreements.signature.pdf_downloaded", school=signature.school_id,
                     actor=actor, target=signature,
                     target_label=f"{signature.aup.title}: {signature.typed_name}",
                     changes={"content_hash": signature.content_hash})
    return content
