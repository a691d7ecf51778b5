"""What the import pages share (people, parents, the asset register): the page flow upload →
check job → preview → confirm → import job, and the helpers of the two background tasks.

Each import keeps its own form, templates, URLs, permission and task; this module only holds
the steps that are the same for every import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeAlias
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_tasks.base import Task

from schoolkeep.audit.context import audit_context
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.selectors import own_job
from schoolkeep.jobs.services import (
    job_create,
    job_fail,
    job_finish,
    job_mark_interrupted,
    job_progress,
    job_started,
)
from schoolkeep.lib import downloads, import_bounds
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.import_uploads import upload_claim, upload_delete, upload_path
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.tenancy.http import SchoolRequest

# A task of an import: (job's public id, stored upload's name, the file's name as uploaded).
ImportTask: TypeAlias = "Task[[str, str, str], None]"
Progress: TypeAlias = Callable[[int, int, str], None]

UPLOAD_GONE = "The uploaded file is no longer here. Upload it again."
# The audit label of an import's events when its member's account is gone (never a name).
BACKGROUND_IMPORT = "background import"
# How many problems a job's result keeps for the preview (the count is always kept): no more
# than an import keeps (lib.import_bounds).
PROBLEMS_KEPT = import_bounds.PROBLEMS_KEPT


class RowsResult(Protocol):
    """What an import of rows returns (people, parents)."""

    @property
    def ok(self) -> bool: ...
    @property
    def problems(self) -> list[Any]: ...
    @property
    def problem_count(self) -> int: ...
    def summary(self) -> str: ...
    def as_dict(self) -> dict[str, Any]: ...


# Runs the import of a task's file: (the job, the stored file, progress) -> the result.
RunImport: TypeAlias = Callable[[Job, Path, Progress], RowsResult]


# The pages


def check_start(request: SchoolRequest, upload: Any, stored_name: str, *, kind: str,
                task: ImportTask, preview_url: str, permission: str) -> HttpResponse:
    """Start the check job of a stored upload (once the request's transaction commits) and
    send the user to the preview (which waits on the job's page until the job is done).
    ``permission``: the import's, which the job's page then needs (jobs.Job.permission)."""
    filename = str(upload.name)[:200]
    job = job_create(school=request.school, actor=request.user, kind=kind,
                     title=f"Checking {filename}", permission=permission)
    transaction.on_commit(lambda: task.enqueue(str(job.public_id), stored_name, filename))
    return redirect(preview_url, job.public_id)


def upload_page(request: SchoolRequest, form: forms.Form, *,
                save: Callable[[Any], tuple[str, str]], kind: str, task: ImportTask,
                preview_url: str, template: str, page_title: str,
                permission: str) -> HttpResponse:
    """The upload page: a valid file is stored by ``save`` (which raises ImportFileError,
    shown on the form's ``file``) and its check job started; else the form again."""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored, _ = save(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return check_start(request, upload, stored, kind=kind, task=task,
                               preview_url=preview_url, permission=permission)
    return render(request, template, {"page_title": page_title, "form": form})


def finished_page(request: SchoolRequest, public_id: UUID, *, kind: str, template: str,
                  context: Callable[[Job], dict[str, Any]]) -> HttpResponse:
    """A page about the user's finished job of this kind (a preview, a report): while the
    job runs, its own page (which comes back here when it is done)."""
    job = own_job(request, public_id, kind)
    job_mark_interrupted(job)
    if not job.finished or job.status == Job.Status.INTERRUPTED:  # its page says why
        return redirect("jobs:job-detail", job.public_id)
    return render(request, template, report_context(job) | context(job))


def report_context(job: Job) -> dict[str, Any]:
    """The job, its result, and how many problems it found that its result does not keep."""
    result = job.result or {}
    return {"job": job, "result": result,
            "more_problems": max(0, result.get("problem_count", 0)
                                 - len(result.get("problems", [])))}


def preview_page(request: SchoolRequest, public_id: UUID, *, kind: str,
                 template: str) -> HttpResponse:
    """The preview of a check job: what the file would change, or what is wrong with it."""
    return finished_page(request, public_id, kind=kind, template=template,
                         context=lambda job: {"page_title": "Check the import",
                                              "can_confirm": can_confirm(job)})


def template_download(file_format: str, *, csv: Callable[[], bytes],
                      xlsx: Callable[[], bytes], filename: str) -> HttpResponse:
    """An import's template file, ``filename``.csv or .xlsx (a 404 for any other format)."""
    if file_format == "csv":
        return download_response(csv(), name=filename, content_type=downloads.CSV)
    if file_format == "xlsx":
        return download_response(xlsx(), name=filename, content_type=downloads.XLSX)
    raise Http404("Not found")


def can_confirm(job: Job) -> bool:
    """Whether the check job's file may be imported: checked, no problem, still stored."""
    result = job.result or {}
    return (job.status == Job.Status.DONE and not result.get("problems")
            and bool(result.get("upload")))


def confirm(request: SchoolRequest, public_id: UUID, *, check_kind: str, apply_kind: str,
            task: ImportTask, upload_url: str, permission: str) -> HttpResponse:
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
                           title=f"Importing {filename}", total=int(result.get("rows", 0)),
                           permission=permission)
    transaction.on_commit(lambda: task.enqueue(str(apply_job.public_id), claimed, filename))
    return redirect("jobs:job-detail", apply_job.public_id)


# The tasks


def task_job(job_id: str, kind: str) -> Job:
    """The job a task works for, with its school and the user who started it, marked as
    run by this process."""
    job = Job.objects.select_related("school", "created_by").get(public_id=job_id, kind=kind)
    job_started(job)
    return job


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


def kept_result(result: RowsResult) -> dict[str, Any]:
    """The result as a job keeps it: the first PROBLEMS_KEPT problems and their count."""
    data = result.as_dict()
    data["problem_count"] = result.problem_count
    data["problems"] = data["problems"][:PROBLEMS_KEPT]
    return data


def check_rows(job_id: str, stored_name: str, filename: str, *, kind: str, run: RunImport,
               preview_url: str) -> None:
    """The check task of an import of rows: run the import without writing, keep the upload
    only if it can be confirmed, and finish the job with the preview at ``preview_url``."""
    job = task_job(job_id, kind)
    path = upload_path(stored_name)
    if path is None:
        job_fail(job, message=UPLOAD_GONE)
        return
    try:
        result = run(job, path, progress_reporter(job))
    except ImportFileError as exc:
        upload_delete(stored_name)
        job_fail(job, message=f"{filename}: {exc}")
        return
    except Exception:
        upload_delete(stored_name)
        fail_unexpected(job)
        raise
    if not result.ok:
        upload_delete(stored_name)  # nothing can be confirmed: keep nothing
    data = kept_result(result) | {
        "upload": stored_name if result.ok else "", "filename": filename,
        "next_url": reverse(preview_url, args=[job.public_id]),
        "next_label": "See what the import would change"}
    message = (f"{result.problem_count:,} problems found: nothing can be imported until they "
               "are put right." if not result.ok else result.summary())
    job_finish(job, message=message, result=data)


def apply_rows(job_id: str, stored_name: str, filename: str, *, kind: str, run: RunImport,
               stale: str, next_url: str, next_label: str) -> None:
    """The import task of a confirmed file: run the import (it checks again, then writes in
    one go) as the user who confirmed, always removing the upload. ``stale`` says why
    nothing was written when the file no longer fits what is recorded."""
    job = task_job(job_id, kind)
    path = upload_path(stored_name)
    if path is None:
        job_fail(job, message=UPLOAD_GONE)
        return
    try:
        # The import's actor is the member who confirmed it (run passes job.created_by);
        # with that account gone, a label without a name.
        with audit_context(actor_label=BACKGROUND_IMPORT):
            result = run(job, path, progress_reporter(job))
    except ImportFileError as exc:
        job_fail(job, message=f"{filename}: {exc}")
        return
    except Exception:
        fail_unexpected(job)
        raise
    finally:
        upload_delete(stored_name)
    if not result.ok:
        first = "; ".join(str(problem) for problem in result.problems[:5])
        more = result.problem_count - 5
        job_fail(job, message=f"{stale} {first}" + (f"; and {more} more." if more > 0 else "."))
        return
    job_finish(job, message=result.summary(), result=kept_result(result) | {
        "filename": filename, "next_url": reverse(next_url), "next_label": next_label})
