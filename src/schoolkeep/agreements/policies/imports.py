"""Recording a policy document from its text: ``schoolkeep import-policy`` and the upload on
the register page both call ``policy_import``.

The header gives the title, the school's name, the policy review date, the next review (a
date or a term) and the reviewer ("Governor Name: ..."). The text becomes a new version of
the policy of that title (a new policy when the register has none), kept with what its header
states. When the header names a review date and a governor, that is the version's approval:
it becomes the policy's current version, approved on the review date by the governor named.
The next review is the stated date or term (a term resolved with the school's calendar).

A header that cannot be read is reported and nothing is written. The same text imported
again changes nothing and says so. A school name that differs from the school's is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction

from schoolkeep.agreements.policies.header import HeaderProblem, PolicyHeader, read_header
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.policies.services import (
    TEXT_CONTROL,
    TEXT_MAX_CHARS,
    ResolvedReview,
    approve_version,
    kind_for_title,
    lock_policy,
    new_version,
    policy_snapshot,
    refuse_active_content,
    resolve_next_review,
    text_hash,
)
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.import_bounds import MAX_MESSAGE_CHARS, PROBLEMS_KEPT, excerpt
from schoolkeep.lib.text import fold
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "agreements.policy.imported": "Policy document imported",
}

CREATED = "created"
VERSION_ADDED = "version_added"
UNCHANGED = "unchanged"


@dataclass
class PolicyImportResult:
    header: PolicyHeader
    problems: list[HeaderProblem] = field(default_factory=list)  # the first PROBLEMS_KEPT
    problems_more: int = 0  # and how many more
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcome: str = ""
    dry_run: bool = False
    review: ResolvedReview = field(default_factory=lambda: ResolvedReview(on=None))
    approved: bool = False  # the header's approval is recorded (or would be)
    policy: Policy | None = None
    version: PolicyVersion | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.problems_more

    def summary(self) -> str:
        """One sentence saying what the import did (or would do)."""
        title = self.header.title
        number = self.version.number if self.version is not None else 1
        if self.outcome == UNCHANGED:
            return (f"{title}: this text is already version {number}; nothing "
                    f"{'would change' if self.dry_run else 'changed'}.")
        verb = "would be" if self.dry_run else "is"
        if self.outcome == CREATED:
            return f"{title} {verb} added to the register, with this text as version 1."
        return f"{title}: this text {verb} added as version {number}."

    def detail_lines(self) -> list[str]:
        header, review = self.header, self.review
        lines = []
        if self.approved and header.review_date is not None:
            lines.append(f"Approved on {header.review_date.day} {header.review_date:%B %Y} by "
                         f"{header.governor_name} (as the header states).")
        elif self.outcome != UNCHANGED:
            lines.append("Not approved: the header names no review date and governor, or an "
                         "approval in force is more recent. A governor approves it in "
                         "Schoolkeep.")
        if review.on is not None and self.outcome != UNCHANGED:
            when = f"{review.on.day} {review.on:%B %Y}"
            if review.term:
                when = (f"{review.term}, which ends on {when}"
                        + (" (an estimated date: the school has not entered its term dates "
                           "for that year)" if review.estimated else ""))
            lines.append(f"Next review: {when}.")
        return lines


def decode_policy_text(data: bytes, *, name: str) -> str:
    """The text of an uploaded or read policy document named ``name`` (plain text: UTF-8, or
    Windows-1252 as older word processors save it). A DomainError on ``file`` for anything
    else, first of all for a web page or a script (``refuse_active_content``), which is never
    kept as a policy whichever way it arrives."""
    refuse_active_content(data, name=name)
    not_text = DomainError("The file must be plain text.", field="file")
    if not data:
        raise DomainError("The file is empty.", field="file")
    if uploads.sniff(data[:uploads.SNIFF_BYTES]) is not None or data.startswith(b"PK\x03\x04"):
        raise not_text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text or TEXT_CONTROL.search(text):
        raise not_text
    if len(text) > TEXT_MAX_CHARS:
        raise DomainError("The file is too long for one policy.", field="file")
    return text


def _normalise(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _bounded(lines: list[HeaderProblem]) -> list[HeaderProblem]:
    """The first lines of a header's problems or notes, each message bounded, as every import
    reports (``lib.import_bounds``): a document of 500,000 characters could hold thousands."""
    return [HeaderProblem(line.line, excerpt(line.message, MAX_MESSAGE_CHARS))
            for line in lines[:PROBLEMS_KEPT]]


def _check(result: PolicyImportResult, school: School) -> None:
    header = result.header
    result.problems.extend(_bounded(header.problems))
    result.problems_more = max(0, len(header.problems) - PROBLEMS_KEPT)
    result.notes.extend(str(line) for line in _bounded(header.ignored))
    if len(header.ignored) > PROBLEMS_KEPT:
        result.notes.append(f"And {len(header.ignored) - PROBLEMS_KEPT:,} more lines left out, "
                            "not listed.")
    if header.school_name and fold(header.school_name) != fold(school.name):
        result.warnings.append(f'The header names the school "{excerpt(header.school_name)}", '
                               f"not {school.name}. The policy is recorded for {school.name}.")
    if header.next_review is not None:
        try:
            result.review = resolve_next_review(school, header.next_review)
        except ValueError as exc:
            result.problems.append(HeaderProblem(header.next_review_line, str(exc)))


def policy_import(*, school: School, actor: Any, text: str, filename: str = "",
                  dry_run: bool = False) -> PolicyImportResult:
    """Record a policy document from its text (see the module's description). With
    ``dry_run`` nothing is written; the result says what would happen."""
    require_permission(school=school, actor=actor, permission="policies.manage",
                       message="You may not change the school's policy register.")
    text = _normalise(text)
    result = PolicyImportResult(header=read_header(text), dry_run=dry_run)
    _check(result, school)
    if not result.ok:
        return result
    with transaction.atomic():
        _record(result, school=school, actor=actor, text=text, filename=filename)
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        result.policy = result.policy if result.outcome == UNCHANGED else None
    return result


def _record(result: PolicyImportResult, *, school: School, actor: Any, text: str,
            filename: str) -> None:
    header = result.header
    digest = text_hash(text)
    policy = Policy.objects.filter(school=school, title_key=fold(header.title),
                                   archived_at__isnull=True).first()
    if policy is not None:
        policy = lock_policy(policy)
        same = PolicyVersion.objects.filter(policy=policy, content_hash=digest).first()
        if same is not None:
            result.outcome, result.policy, result.version = UNCHANGED, policy, same
            return
        result.outcome = VERSION_ADDED
    else:
        policy = Policy(school=school, title=header.title, title_key=fold(header.title),
                        kind=kind_for_title(header.title))
        full_clean_or_error(policy, exclude=["owner", "current_version"])
        policy.save()
        audit_record(action="agreements.policy.created", school=school, actor=actor,
                     target=policy, changes=diff(None, policy_snapshot(policy)))
        result.outcome = CREATED
    before = policy_snapshot(policy)
    version = new_version(
        policy, source=PolicyVersion.Source.IMPORTED, text=text, content_hash=digest,
        stated_school_name=header.school_name[:200], stated_review_date=header.review_date,
        stated_next_review=header.next_review_text[:100], stated_reviewer=header.reviewer[:200],
        created_by_label=actor_label(actor))
    audit_record(action="agreements.policy.imported", school=school, actor=actor,
                 target=version, changes={
                     "number": version.number, "file": filename, "content_hash": digest,
                     "stated_school_name": header.school_name,
                     "stated_review_date": header.review_date,
                     "stated_next_review": header.next_review_text,
                     "stated_reviewer": header.reviewer})
    _approve_from_header(result, policy, version, actor=actor)
    if result.review.on is not None:
        policy.next_review_on, policy.next_review_term = result.review.on, result.review.term
    changes = diff(before, policy_snapshot(policy))
    if changes:
        policy.version += 1
        policy.save()
        audit_record(action="agreements.policy.updated", school=school, actor=actor,
                     target=policy, changes=changes)
    result.policy, result.version = policy, version


def _approve_from_header(result: PolicyImportResult, policy: Policy, version: PolicyVersion,
                         *, actor: Any) -> None:
    """The header's review date and governor approve the version, unless an approval in
    force is more recent."""
    header = result.header
    reviewed_on = header.review_date
    if reviewed_on is None or not header.governor_name:
        return
    if policy.approved_on is not None and reviewed_on < policy.approved_on:
        result.warnings.append(
            f"The header's review date is earlier than the approval in force "
            f"({policy.approved_on:%d/%m/%Y}): this version is kept as a draft.")
        return
    approve_version(policy, version, actor=actor, approved_by=None,
                    name=header.governor_name[:200],
                    signature=header.governor_signature[:200], approved_on=reviewed_on)
    audit_record(action="agreements.policy_version.approved", school=policy.school_id,
                 actor=actor, target=version, changes={
                     "status": {"before": PolicyVersion.Status.DRAFT, "after": version.status},
                     "approved_by_name": version.approved_by_name,
                     "approved_on": reviewed_on, "read_from_header": True})
    result.approved = True
    if result.review.on is None:
        policy.next_review_on = reviewed_on + relativedelta(months=policy.review_cycle_months)
        policy.next_review_term = ""
