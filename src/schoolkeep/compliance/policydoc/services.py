"""Writes of the policy document: making it as a file (a background job whose page then
offers the file), making it at once (the command line), and sending it to the policy register
as a new version of the school's Online Security Policy for a governor's approval (also a
background job: a PDF of a register of 2,000 assets takes WeasyPrint half a minute, too long
for a request; its page then links to the new version).

Sending composes the policy register's own services (``agreements.policies.services``): the
register's entry is made when the school has none (``policy_create``), the PDF is added as a
draft version (``version_add``, checked by its content as any upload) and sent for review
(``version_send_for_review``, which e-mails the governors), all in one transaction, so a
governor approves it in the register's existing flow. The sender must hold
``compliance.manage`` and may change the policy register (``policies.manage``): the
register's own rule still holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.agreements.policies import services as policy_services
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.audit.services import audit_record
from schoolkeep.compliance.policydoc import files, text
from schoolkeep.compliance.policydoc.document import policy_entry
from schoolkeep.jobs.exports import export_job_run
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_fail, job_finish, job_started
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.guards import is_user, require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import access_list_for_user

ACTION_MADE = "compliance.policydoc.made"
ACTION_SENT = "compliance.policydoc.sent"
ACTION_LABELS = {
    ACTION_MADE: "Online Security Policy document made",
    ACTION_SENT: "Online Security Policy document sent to the policy register for approval",
}
JOB_KIND = "compliance.policydoc"
SEND_KIND = "compliance.policydoc-send"
READ = "compliance.view"
MANAGE = "compliance.manage"
READY = "The school's Online Security Policy is ready. The file is removed after a day."
FAILED = ("The policy document could not be made. Try again, or ask your IT lead to look at "
          "the server's log.")
SEND_FAILED = ("The policy document could not be sent. Nothing was added to the policy "
               "register. Try again, or ask your IT lead to look at the server's log.")


def _format(fmt: str) -> str:
    if fmt not in files.FORMATS:
        raise DomainError("Choose a Word document or a PDF.", field="format")
    return fmt


def _require_reader(school: School, actor: Any) -> None:
    """A member who may read the school's compliance (or its trust's administrator); the
    command line and the system are trusted callers."""
    if not is_user(actor):
        return
    access = next((a for a in access_list_for_user(actor) if a.school.pk == school.pk), None)
    if access is None or not access.can(READ):
        raise NotAllowed("Only members who may read the school's compliance can make its "
                         "policy document.")


def _audit_made(*, school: School, actor: Any, fmt: str, where: str) -> None:
    audit_record(action=ACTION_MADE, school=school, actor=actor,
                 target_type="compliance.policydoc", target_id=str(school.public_id),
                 target_label=f"{text.TITLE} of {school.name}",
                 changes={"format": fmt, "made": where})


def policydoc_make_start(*, school: School, actor: Any, fmt: str) -> Job:
    """Start the job that writes the document; the job's page offers the file to its maker,
    and the job records it made when the file is written."""
    fmt = _format(fmt)
    _require_reader(school, actor)
    from schoolkeep.compliance.policydoc.tasks import policy_document_make

    with transaction.atomic():
        job = job_create(school=school, actor=actor, kind=JOB_KIND, permission=READ,
                         title=f"{text.TITLE} ({files.FORMAT_LABELS[fmt]})")
        transaction.on_commit(lambda: policy_document_make.enqueue(str(job.public_id), fmt))
    return job


def policydoc_make_run(job_id: str, fmt: str) -> None:
    """The body of the background task: write the file into the job's private file, and
    record it made (only once it is: a job that fails records nothing)."""
    job = Job.objects.select_related("school", "created_by").get(public_id=job_id, kind=JOB_KIND)
    school, today = job.school, timezone.localdate()
    if school is None:  # a policy document's job always belongs to a school
        raise ValueError(f"Job {job_id} has no school.")
    export_job_run(job, lambda handle, on_row: files.write_file(school, fmt, handle, today),
                   filename=files.filename(school, fmt, today),
                   content_type=files.FORMATS[fmt], ready=READY, failed=FAILED)
    with transaction.atomic():
        _audit_made(school=school, actor=job.created_by, fmt=fmt, where="in the background")


def policydoc_make_now(*, school: School, actor: Any, fmt: str,
                       today: date | None = None) -> bytes:
    """The document made at once (the command line), recorded."""
    fmt = _format(fmt)
    _require_reader(school, actor)
    content = files.made_bytes(school, fmt, today or timezone.localdate())
    with transaction.atomic():
        _audit_made(school=school, actor=actor, fmt=fmt, where="at once")
    return content


def may_send(*, school: School, access: Any) -> bool:
    """Whether the member may send the document to the policy register (for the page)."""
    return bool(access.can(MANAGE) and access.can("policies.manage"))


def _check_send(school: School, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission=MANAGE,
                       message="You may not send the policy document for approval.")
    require_permission(school=school, actor=actor, permission="policies.manage",
                       message="Only members who may change the policy register (the SIRO "
                               "and the DPO) can send the policy document for approval.")
    existing = policy_entry(school)
    if existing is not None and PolicyVersion.objects.filter(
            policy=existing, status=PolicyVersion.Status.IN_REVIEW).exists():
        raise DomainError("A version of the Online Security Policy is already waiting for a "
                          "governor's approval. Wait for it to be approved or sent back, "
                          "then send the new one.")


def policydoc_send(*, school: School, actor: Any, today: date | None = None) -> PolicyVersion:
    """Make the document as a PDF and send it to the policy register as a new version of
    the school's Online Security Policy, waiting for a governor's approval (the entry is
    made when the school has none)."""
    _check_send(school, actor)
    today = today or timezone.localdate()
    content = files.made_bytes(school, "pdf", today, sending=True)
    upload = ContentFile(content, name=files.filename(school, "pdf", today))
    with transaction.atomic():
        policy = policy_entry(school) or policy_services.policy_create(
            school=school, actor=actor, title=_free_title(school),
            kind=Policy.Kind.ONLINE_SECURITY)
        version = policy_services.version_add(policy=policy, actor=actor, uploaded_file=upload)
        version = policy_services.version_send_for_review(version=version, actor=actor)
        audit_record(action=ACTION_SENT, school=school, actor=actor, target=version,
                     changes={"policy": policy.title, "number": version.number,
                              "content_hash": version.content_hash})
    return version


def policydoc_send_start(*, school: School, actor: Any) -> Job:
    """Check the member may send the document now, and start the job that makes and sends
    it (as them: the checks are made again when it runs)."""
    _check_send(school, actor)
    from schoolkeep.compliance.policydoc.tasks import policy_document_send

    with transaction.atomic():
        job = job_create(school=school, actor=actor, kind=SEND_KIND, permission=MANAGE,
                         title=f"Send the {text.TITLE} for approval")
        transaction.on_commit(lambda: policy_document_send.enqueue(str(job.public_id)))
    return job


def policydoc_send_run(job_id: str) -> None:
    """The body of the background task: make and send the document as the job's maker; a
    broken rule (a version sent meanwhile, a role lost) is the job's message."""
    job = Job.objects.select_related("school", "created_by").get(public_id=job_id,
                                                                 kind=SEND_KIND)
    if job.school is None:  # a policy document's job always belongs to a school
        raise ValueError(f"Job {job_id} has no school.")
    job_started(job)
    try:
        version = policydoc_send(school=job.school, actor=job.created_by)
    except DomainError as exc:
        job_fail(job, message=exc.message)
        return
    except Exception:
        job_fail(job, message=SEND_FAILED)
        raise
    job_finish(job, message=f"Version {version.number} of the {text.TITLE} is in the policy "
                            "register, waiting for a governor's approval. The governors are "
                            "told by e-mail.",
               result={"next_url": reverse("policies:version-detail",
                                           args=[version.public_id]),
                       "next_label": "Open it in the policy register"})


def _free_title(school: School) -> str:
    """The register's entry's title: "Online Security Policy", unless the school already
    has a policy of another kind by that name."""
    taken = set(Policy.objects.filter(school=school, archived_at__isnull=True)
                .values_list("title_key", flat=True))
    title = text.POLICY_REGISTER_TITLE
    return title if title.casefold() not in taken else f"{title} (made by Schoolkeep)"
