"""What the import pages share (people, the asset register): the page flow upload → check
job → preview → confirm → import job, and the helpers of the two background tasks.

Each import keeps its own form, templates, URLs, permission and task; this module only holds
the steps that are the same for every import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django_tasks.base import Task

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_fail, job_progress
from schoolkeep.lib.import_uploads import upload_claim
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404

# A task of an import: (job's public id, stored upload's name, the file's name as uploaded).
ImportTask: TypeAlias = "Task[[str, str, str], None]"
Progress: TypeAlias = Callable[[int, int, str], None]

UPLOAD_GONE = "The uploaded file is no longer here. Upload it again."


# The pages


def own_job(request: SchoolRequest, public_id: UUID, kind: str) -> Job:
    """The user's own job of this kind at this school, or a 404."""
    job = get_for_school_or_404(Job.objects.all(), school=request.school, public_id=public_id)
    if job.kind != kind or job.created_by_id != request.user.pk:
        raise Http404("Not found")
    return job


def check_start(request: SchoolRequest, upload: Any, stored_name: str, *, kind: str,
                task: ImportTask, preview_url: str) -> HttpResponse:
    """Start the check job of a stored upload (once the request's transaction commits) and
    send the user to the preview (which waits on the job's page until the job is done)."""
    filename = str(upload.name)[:200]
    job = job_create(school=request.school, actor=request.user, kind=kind,
                     title=f"Checking {filename}")
    transaction.on_commit(lambda: task.enqueue(str(job.public_id), stored_name, filename))
    return redirect(preview_url, job.public_id)


def can_confirm(job: Job) -> bool:
    """Whether the check job's file may be imported: checked, no problem, still stored."""
    result = job.result or {}
    return (job.status == Job.Status.DONE and not result.get("problems")
            and bool(result.get("upload")))


def confirm(request: SchoolRequest, public_id: UUID, *, check_kind: str, apply_kind: str,
            task: ImportTask, upload_url: str) -> HttpResponse:
    """Confirm a checked file: claim its upload and start the import job (once the request's
    transaction commits), or send the user back to ``upload_url`` saying why not."""
    job = own_job(request, public_id, check_kind)
    result = job.result or {}
    if not can_confirm(job):
        messages.error(request, "This file cannot be imported. Upload it again.")
        return redirect(upload_url)
    claimed = upload_claim(result["upload"])
    if claimed is None:
        messages.error(request, "This file has already been imported, or it was uploaded "
                                "too long ago. Upload it again to import it.")
        return redirect(upload_url)
    filename = str(result.get("filename", ""))
    apply_job = job_create(school=request.school, actor=request.user, kind=apply_kind,
                           title=f"Importing {filename}", total=int(result.get("rows", 0)))
    transaction.on_commit(lambda: task.enqueue(str(apply_job.public_id), claimed, filename))
    return redirect("jobs:job-detail", apply_job.public_id)


# The tasks


def task_job(job_id: str, kind: str) -> Job:
    """The job a task works for, with its school and the user who started it."""
    return Job.objects.select_related("school", "created_by").get(public_id=job_id, kind=kind)


def progress_reporter(job: Job, update: Callable[..., None] = job_progress) -> Progress:
    """The ``progress`` callback of an import: reports to the job through ``update``."""
    def report(done: int, total: int, message: str) -> None:
        update(job, done=done, total=total or None, message=message)

    return report


def fail_unexpected(job: Job) -> None:
    """An unexpected error: the job's page must not wait for ever (the caller re-raises the
    error for the worker's log)."""
    job_fail(job, message="Something went wrong and nothing was imported. Try again; if it "
                          "happens again, tell your administrator.")
