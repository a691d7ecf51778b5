"""Writes of the policy register: policies, their versions, and the governors' review.

Every function runs in one transaction, checks the acting member's permission (the command
line and the demo are trusted), audits what it changed, and raises a DomainError naming the
field at fault, leaving nothing half-saved.

The review flow: the policy's owner (or the SIRO or DPO) sends a draft version for review;
the governors are e-mailed after the commit (the title and a link, never the text); a
governor approves it with their typed full name (their signature) and the date, or sends it
back with a comment. Approval supersedes the previous approved version and sets the next review from
the policy's cycle.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolkeep.agreements.policies.header import NextReview, read_next_review
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib import uploads
from schoolkeep.lib.downloads import DOCX, EXTENSIONS, ODT, TEXT
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.text import fold, tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission, user_holds
from schoolkeep.tenancy.models import Membership, MembershipRole, School
from schoolkeep.tenancy.roles import READ_ONLY_ROLES, Role
from schoolkeep.tenancy.selectors import active_role_holders

ACTION_LABELS = {
    "agreements.policy.created": "Policy added to the register",
    "agreements.policy.updated": "Policy changed",
    "agreements.policy.review_date_resolved": "Policy's next review date follows new term dates",
    "agreements.policy_version.added": "Policy version added",
    "agreements.policy_version.sent_for_review": "Policy version sent to the governors",
    "agreements.policy_version.approved": "Policy version approved by a governor",
    "agreements.policy_version.returned": "Policy version sent back by a governor",
    "agreements.policy_version.superseded": "Policy version replaced by a later one",
    "agreements.policy_version.downloaded": "Policy file downloaded",
}

FILE_FOLDER = "policies"
FILE_MAX_BYTES = 10 * 1024 * 1024
TEXT_MAX_CHARS = 500_000

# The types a policy document may have, each stored with its usual extension.
FILE_EXTENSIONS = {kind: EXTENSIONS[kind] for kind in (uploads.PDF, DOCX, ODT, TEXT)}
STALE_MESSAGE = ("Someone else changed this policy while you were editing it. Reload the page "
                 "to see their changes, then make yours again.")

# What a policy's audit events record, before and after.
AUDITED_FIELDS = ["title", "kind", "owner", "review_cycle_months", "next_review_on",
                  "next_review_term", "approved_on", "approved_by_name", "current_version"]


# ---------------------------------------------------------------------------- helpers


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="policies.manage",
                       message="You may not change the school's policy register.")


def policy_snapshot(policy: Policy) -> dict[str, Any]:
    owner = policy.owner
    current = policy.current_version
    return {
        "title": policy.title, "kind": policy.kind,
        "owner": (owner.full_name or owner.email) if owner is not None else "",
        "review_cycle_months": policy.review_cycle_months,
        "next_review_on": policy.next_review_on, "next_review_term": policy.next_review_term,
        "approved_on": policy.approved_on, "approved_by_name": policy.approved_by_name,
        "current_version": current.number if current is not None else None,
    }


def lock_policy(policy: Policy) -> Policy:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
    return (Policy.objects.select_for_update(of=("self",))
            .select_related("owner", "current_version").get(pk=policy.pk))


def _lock_version(version: PolicyVersion) -> PolicyVersion:
    return (PolicyVersion.objects.select_for_update().select_related("policy")
            .get(pk=version.pk))


def _today() -> date:
    return timezone.localdate()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ResolvedReview:
    on: date | None
    term: str = ""
    estimated: bool = False


def resolve_next_review(school: School, given: NextReview | None,
                        calendar: TermCalendar | None = None) -> ResolvedReview:
    """A next review as stored: a date as it is, a term as its last day in the school's
    calendar (``estimated`` while the school's dates for that year are only the default)."""
    if given is None or (given.on is None and not given.term):
        return ResolvedReview(on=None)
    if not given.term:
        return ResolvedReview(on=given.on)
    calendar = calendar or TermCalendar(school)
    term = calendar.term_named(given.term)
    return ResolvedReview(on=term.ends_on, term=given.term, estimated=term.estimated)


def _next_review(school: School, text: Any) -> ResolvedReview:
    value = tidy(str(text or ""))
    if not value:
        return ResolvedReview(on=None)
    if isinstance(text, date):
        return ResolvedReview(on=text)
    try:
        given = read_next_review(value)
    except ValueError:
        raise DomainError(f'"{value}" is neither a date nor a term. Enter a date such as '
                          '"31 March 2027" or a term such as "Spring 2027".',
                          field="next_review") from None
    try:
        return resolve_next_review(school, given)
    except ValueError as exc:
        raise DomainError(str(exc), field="next_review") from None


def _owner(school: School | int, owner: Any) -> Any:
    """The owner must be an active member of the school (or nobody)."""
    if owner is None:
        return None
    if not Membership.objects.filter(school=school, user=owner, is_active=True).exists():
        raise DomainError("Choose the owner from the school's members.", field="owner")
    return owner


def _apply(policy: Policy, fields: dict[str, Any]) -> None:
    allowed = {"title", "kind", "owner", "review_cycle_months", "next_review"}
    for name in fields:
        if name not in allowed:
            raise DomainError(f"A policy has no field {name!r}.", field=name)
    if "title" in fields:
        policy.title = tidy(str(fields["title"] or ""))
        policy.title_key = fold(policy.title)
    if "kind" in fields:
        policy.kind = str(fields["kind"] or "")
    owner = fields.get("owner")
    if "owner" in fields and (owner is None or owner.pk != policy.owner_id):
        # Checked only when it changes: a policy whose owner has left keeps them until a
        # new owner is chosen.
        policy.owner = _owner(policy.school_id, owner)
    if "review_cycle_months" in fields:
        cycle = fields["review_cycle_months"]
        if isinstance(cycle, bool) or not isinstance(cycle, int) or not 1 <= cycle <= 60:
            raise DomainError("Enter how often the policy is reviewed: 1 to 60 months.",
                              field="review_cycle_months")
        policy.review_cycle_months = cycle
    if "next_review" in fields:
        resolved = _next_review(policy.school, fields["next_review"])
        policy.next_review_on, policy.next_review_term = resolved.on, resolved.term


def _validate(policy: Policy) -> None:
    if not policy.title:
        raise DomainError("Enter the policy's title.", field="title")
    if policy.kind not in Policy.Kind.values:
        raise DomainError("Choose what kind of policy this is.", field="kind")
    clash = Policy.objects.filter(school_id=policy.school_id, title_key=policy.title_key,
                                  archived_at__isnull=True).exclude(pk=policy.pk)
    if clash.exists():
        raise DomainError(f"The register already has a policy called {clash[0].title}.",
                          field="title")
    full_clean_or_error(policy, exclude=["owner", "current_version"])


def _save(policy: Policy) -> None:
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        raise DomainError(f"The register already has a policy called {policy.title}.",
                          field="title") from None


def kind_for_title(title: str) -> str:
    """A kind guessed from a title for a new imported policy (the school can change it)."""
    key = fold(title)
    for words, kind in (("online security", Policy.Kind.ONLINE_SECURITY),
                        ("e-safety", Policy.Kind.ONLINE_SECURITY),
                        ("data protection", Policy.Kind.DATA_PROTECTION),
                        ("acceptable use", Policy.Kind.ACCEPTABLE_USE),
                        ("retention", Policy.Kind.RETENTION)):
        if words in key:
            return kind
    return Policy.Kind.OTHER


# ---------------------------------------------------------------------------- policies


def policy_create(*, school: School, actor: Any, title: str, kind: str = Policy.Kind.OTHER,
                  owner: Any = None, review_cycle_months: int = 12,
                  next_review: str | date | None = "") -> Policy:
    """Add a policy to the register. ``next_review``: a date, or text that is a date or a
    term ("Spring 2027", resolved to that term's last day in the school's calendar)."""
    with transaction.atomic():
        _require_manager(school, actor)
        policy = Policy(school=school)
        _apply(policy, {"title": title, "kind": kind, "owner": owner,
                        "review_cycle_months": review_cycle_months,
                        "next_review": next_review})
        _validate(policy)
        _save(policy)
        audit_record(action="agreements.policy.created", school=school, actor=actor,
                     target=policy, changes=diff(None, policy_snapshot(policy)))
    return policy


def policy_update(*, policy: Policy, actor: Any, version: int, **fields: Any) -> Policy:
    """Change a policy's details (title, kind, owner, review_cycle_months, next_review).
    ``version`` is the one the editor read: a newer one raises StaleVersion."""
    with transaction.atomic():
        _require_manager(policy.school_id, actor)
        current = lock_policy(policy)
        if current.version != version:
            raise StaleVersion(STALE_MESSAGE, field="version")
        if current.archived_at is not None:
            raise DomainError("This policy is archived and cannot be changed.")
        before = policy_snapshot(current)
        _apply(current, fields)
        _validate(current)
        changes = diff(before, policy_snapshot(current))
        if not changes:
            return current
        current.version += 1
        _save(current)
        audit_record(action="agreements.policy.updated", school=current.school_id,
                     actor=actor, target=current, changes=changes)
    return current


# ---------------------------------------------------------------------------- files


# ODF's ``mimetype`` member is the type's name alone (39 bytes for a text document).
MIMETYPE_MAX_BYTES = 100


def _zip_names(data: bytes) -> tuple[set[str], bytes]:
    """The member names of a ZIP file and the start of its ``mimetype`` member (ODF), or a
    DomainError: damaged, or more to unpack than a document holds (``uploads.open_zip``:
    bounded from the zip's directory before anything is unpacked)."""
    with uploads.open_zip(data) as archive:
        names = set(archive.namelist())
        mimetype = uploads.zip_member_start(archive, "mimetype", MIMETYPE_MAX_BYTES)
    return names, mimetype


TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


ACTIVE_CONTENT_MESSAGE = (
    "This file is a web page or a script (HTML, SVG, XML or JavaScript), which a browser "
    "would run when it is opened, so it cannot be kept as a policy. Save the policy as a "
    "PDF, a Word document (.docx), an OpenDocument text (.odt) or plain text, and upload "
    "that.")


def refuse_active_content(data: bytes, *, name: str = "") -> None:
    """A policy document must not be something a browser renders as a page or runs: HTML,
    XHTML, SVG, XML or a script, by its content or its name."""
    if uploads.is_active_content(data, name=name):
        raise DomainError(ACTIVE_CONTENT_MESSAGE, field="file")


def policy_file_type(data: bytes, *, name: str = "") -> str:
    """The type of a policy file from its content: PDF, Word (DOCX), OpenDocument text (ODT)
    or plain text (UTF-8 without control characters, and not a web page or a script: see
    ``refuse_active_content``). A DomainError on ``file`` otherwise."""
    if not data:
        raise DomainError("The file is empty.", field="file")
    if uploads.sniff(data[:uploads.SNIFF_BYTES]) == uploads.PDF:
        return uploads.PDF
    if data.startswith(b"PK\x03\x04"):
        names, mimetype = _zip_names(data)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
        if mimetype.strip() == ODT.encode():
            return ODT
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            if not TEXT_CONTROL.search(text):
                refuse_active_content(data, name=name)
                return TEXT
    raise DomainError("The file must be a PDF, a Word document (.docx), an OpenDocument text "
                      "(.odt) or plain text.", field="file")


def files_dir() -> Path:
    return uploads.uploads_dir(FILE_FOLDER)


def file_path(version: PolicyVersion) -> Path:
    return files_dir() / version.file_name


def _read_upload(uploaded_file: Any) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > FILE_MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="file")
    uploaded_file.seek(0)
    data = uploaded_file.read(FILE_MAX_BYTES + 1)
    if len(data) > FILE_MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="file")
    return bytes(data)


def version_open_file(*, version: PolicyVersion, actor: Any) -> BinaryIO:
    """Open a version's uploaded file for reading, and audit who opened it. A DomainError
    when the version has no file or it is missing."""
    if not version.file_name:
        raise DomainError("This version has no file.")
    try:
        handle = file_path(version).open("rb")
    except FileNotFoundError:
        raise DomainError("The file of this version is missing.") from None
    with transaction.atomic():
        audit_record(action="agreements.policy_version.downloaded", school=version.school_id,
                     actor=actor, target=version, changes={})
    return handle


# ---------------------------------------------------------------------------- versions


def new_version(policy: Policy, **fields: Any) -> PolicyVersion:
    """A new version numbered after the last (the policy row is locked by the caller)."""
    last = PolicyVersion.objects.filter(policy=policy).aggregate(n=Max("number"))["n"] or 0
    version = PolicyVersion(school_id=policy.school_id, policy=policy, number=last + 1,
                            **fields)
    full_clean_or_error(version, exclude=["policy", "approved_by"])
    version.save()
    return version


def version_add(*, policy: Policy, actor: Any, text: str = "",
                uploaded_file: Any = None) -> PolicyVersion:
    """Add a draft version: text typed in Schoolkeep, or an uploaded file (PDF, DOCX, ODT or
    plain text, checked by its content, at most 10 MB, kept outside the web root)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if uploaded_file is None and not text:
        raise DomainError("Type the policy's text or choose a file to upload.", field="text")
    if uploaded_file is not None and text:
        raise DomainError("Either type the text or upload a file, not both.", field="text")
    if len(text) > TEXT_MAX_CHARS:
        raise DomainError("The text is too long for one policy.", field="text")
    fields: dict[str, Any]
    data = b""
    if uploaded_file is not None:
        data = _read_upload(uploaded_file)
        original = uploads.original_name(uploaded_file, fallback="policy")
        content_type = policy_file_type(data, name=original)
        fields = {"source": PolicyVersion.Source.UPLOADED,
                  "file_original_name": original,
                  "file_content_type": content_type,
                  "content_hash": hashlib.sha256(data).hexdigest()}
        if content_type == TEXT:
            fields["text"] = data.decode("utf-8-sig").replace("\r\n", "\n")
    else:
        fields = {"source": PolicyVersion.Source.TYPED, "text": text,
                  "content_hash": text_hash(text)}
    with uploads.stored_until_failure() as files, transaction.atomic():
        _require_manager(policy.school_id, actor)
        current = lock_policy(policy)
        if current.archived_at is not None:
            raise DomainError("This policy is archived and cannot be changed.")
        if data:
            fields["file_name"] = files.store(
                data, folder=FILE_FOLDER,
                suffix=FILE_EXTENSIONS[fields["file_content_type"]]).name
        version = new_version(current, created_by_label=actor_label(actor), **fields)
        audit_record(action="agreements.policy_version.added", school=current.school_id,
                     actor=actor, target=version, changes={
                         "number": version.number, "source": version.source,
                         "content_hash": version.content_hash,
                         "file": version.file_original_name})
    return version


def may_send_for_review(*, policy: Policy, user: Any) -> bool:
    """The policy's owner, or a member who manages the register."""
    if not is_user(user):
        return True
    # The owner sends only while a member with a role that may write: an auditor chosen as
    # owner still only reads (roles.READ_ONLY_ROLES).
    if policy.owner_id is not None and policy.owner_id == user.pk and MembershipRole.objects.filter(
            membership__school_id=policy.school_id, membership__user=user,
            membership__is_active=True).exclude(role__in=list(READ_ONLY_ROLES)).exists():
        return True
    return user_holds(school=policy.school_id, user=user, permission="policies.manage")


def review_url(version: PolicyVersion) -> str:
    return settings.BASE_URL + reverse("policies:version-approve", args=[version.public_id])


def _send_review_emails(*, school_name: str, title: str, number: int, url: str,
                        sender: str, addresses: list[str]) -> None:
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}a policy is waiting for your approval"
    for address in addresses:
        # One message each: governors do not see one another's addresses.
        send_mail(subject=subject, from_email=None, recipient_list=[address],
                  message=render_to_string("agreements/policy_review_email.txt", {
                      "school_name": school_name, "title": title, "number": number,
                      "url": url, "sender": sender}))


def version_send_for_review(*, version: PolicyVersion, actor: Any,
                            notify: bool = True) -> PolicyVersion:
    """Send a draft version to the governors for approval. The owner of the policy, the
    SIRO or the DPO may; one version of a policy waits for approval at a time. The governors
    are e-mailed after the commit (``notify=False``: the demo)."""
    with transaction.atomic():
        current = _lock_version(version)
        policy = lock_policy(current.policy)
        if not may_send_for_review(policy=policy, user=actor):
            raise NotAllowed("Only the policy's owner, the SIRO or the DPO may send it for "
                             "review.")
        if current.status != PolicyVersion.Status.DRAFT:
            raise DomainError("Only a draft version can be sent for review.")
        if PolicyVersion.objects.filter(policy=policy,
                                        status=PolicyVersion.Status.IN_REVIEW).exists():
            raise DomainError("Another version of this policy is already waiting for a "
                              "governor's approval.")
        if policy.current_version is not None and current.number < policy.current_version.number:
            raise DomainError("A later version is already approved: send a newer version.")
        current.status = PolicyVersion.Status.IN_REVIEW
        current.sent_for_review_at = timezone.now()
        current.sent_for_review_by_label = actor_label(actor)
        current.version += 1
        current.save()
        audit_record(action="agreements.policy_version.sent_for_review",
                     school=current.school_id, actor=actor, target=current,
                     changes=diff({"status": PolicyVersion.Status.DRAFT},
                                  {"status": current.status}))
        if notify:
            governors = active_role_holders(school=policy.school, roles=[Role.GOVERNOR])
            addresses = sorted({user.email for user in governors[Role.GOVERNOR] if user.email})
            if addresses:
                transaction.on_commit(partial(
                    _send_review_emails, school_name=policy.school.name, title=policy.title,
                    number=current.number, url=review_url(current),
                    sender=current.sent_for_review_by_label, addresses=addresses),
                    robust=True)
    return current


def _require_governor(school_id: int, actor: Any) -> None:
    require_permission(school=school_id, actor=actor, permission="policies.approve",
                       message="Only a governor may approve a policy or send it back.")


def _in_review(version: PolicyVersion) -> PolicyVersion:
    current = _lock_version(version)
    if current.status != PolicyVersion.Status.IN_REVIEW:
        raise DomainError("This version is not waiting for approval.")
    return current


def approve_version(policy: Policy, version: PolicyVersion, *, actor: Any, approved_by: Any,
                    name: str, signature: str, approved_on: date) -> None:
    """Make ``version`` the policy's approved version (both rows locked by the caller):
    earlier approved versions are superseded, each audited. ``approved_by``: the governor's
    account, or None for an approval read from a document's header."""
    version.status = PolicyVersion.Status.APPROVED
    version.approved_by = approved_by
    version.approved_by_name, version.approval_signature = name, signature
    version.approved_on, version.approved_at = approved_on, timezone.now()
    version.version += 1
    version.save()
    superseded = PolicyVersion.objects.select_for_update().filter(
        policy=policy, status=PolicyVersion.Status.APPROVED).exclude(pk=version.pk)
    for old in superseded:
        old.status = PolicyVersion.Status.SUPERSEDED
        old.version += 1
        old.save(update_fields=["status", "version"])
        audit_record(action="agreements.policy_version.superseded", school=policy.school_id,
                     actor=actor, target=old, changes=diff(
                         {"status": PolicyVersion.Status.APPROVED}, {"status": old.status}))
    policy.current_version = version
    policy.approved_on, policy.approved_by_name = approved_on, name


def version_approve(*, version: PolicyVersion, actor: Any, full_name: str,
                    approved_on: date | None = None) -> PolicyVersion:
    """A governor approves a version waiting for approval, with their full name, typed (it
    is their signature, recorded as such) and the date (today by default; never in the
    future). The policy's next review becomes the approval date plus its review cycle."""
    full_name = tidy(full_name)
    approved_on = approved_on or _today()
    if not full_name:
        raise DomainError("Enter your full name.", field="full_name")
    if len(full_name) > 200:
        raise DomainError("Your full name must be 200 characters or fewer.",
                          field="full_name")
    if approved_on > _today():
        raise DomainError("The approval date cannot be in the future.", field="approved_on")
    with transaction.atomic():
        _require_governor(version.school_id, actor)
        current = _in_review(version)
        if approved_on < timezone.localtime(current.created_at).date():
            raise DomainError("The approval date cannot be before the version was added.",
                              field="approved_on")
        policy = lock_policy(current.policy)
        before = policy_snapshot(policy)
        approve_version(policy, current, actor=actor, approved_by=actor if is_user(actor) else None,
                        name=full_name, signature=full_name,
                        approved_on=approved_on)
        policy.next_review_on = approved_on + relativedelta(months=policy.review_cycle_months)
        policy.next_review_term = ""
        policy.version += 1
        policy.save()
        audit_record(action="agreements.policy_version.approved", school=policy.school_id,
                     actor=actor, target=current, changes={
                         "status": {"before": PolicyVersion.Status.IN_REVIEW,
                                    "after": current.status},
                         "approved_by_name": full_name, "approval_signature": full_name,
                         "approved_on": approved_on})
        audit_record(action="agreements.policy.updated", school=policy.school_id,
                     actor=actor, target=policy, changes=diff(before, policy_snapshot(policy)))
    return current


def version_return(*, version: PolicyVersion, actor: Any, comment: str) -> PolicyVersion:
    """A governor sends a version back to draft, saying why."""
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("Say what needs to change before you can approve it.",
                          field="comment")
    if len(comment) > 5000:
        raise DomainError("Keep the comment under 5,000 characters.", field="comment")
    with transaction.atomic():
        _require_governor(version.school_id, actor)
        current = _in_review(version)
        current.status = PolicyVersion.Status.DRAFT
        current.returned_comment = comment
        current.returned_by_label = actor_label(actor)
        current.returned_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(action="agreements.policy_version.returned", school=current.school_id,
                     actor=actor, target=current, changes={
                         "status": {"before": PolicyVersion.Status.IN_REVIEW,
                                    "after": current.status},
                         "comment": comment})
    return current
