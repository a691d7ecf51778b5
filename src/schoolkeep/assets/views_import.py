"""The register's import page: upload a file (checked by its content), a check job with its
progress, a preview of exactly what would be created or changed per group (or what is
wrong), confirm, the import job with its progress, and what was imported."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.tasks_import import (
    APPLY_KIND,
    CHECK_KIND,
    assets_import_apply,
    assets_import_check,
)
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.lib.import_uploads import upload_claim, upload_save
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

MAX_BYTES = 10 * 1024 * 1024
# A file's name must agree with its content: a workbook, or text (CSV, TSV or a document).
EXTENSIONS = {".txt": "csv", ".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx"}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="The register: a policy document (text), CSV, TSV or XLSX file",
        help_text=f"At most {MAX_BYTES // (1024 * 1024)} MB. Nothing is saved until you "
                  "confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,.tsv,.xlsx"}),
    )


def _own_job(request: SchoolRequest, public_id: UUID, kind: str) -> Job:
    job = get_for_school_or_404(Job.objects.all(), school=request.school, public_id=public_id)
    if job.kind != kind or job.created_by_id != request.user.pk:
        raise Http404("Not found")
    return job


def _report(job: Job) -> dict[str, Any]:
    result = job.result or {}
    return {"job": job, "result": result,
            "more_problems": max(0, result.get("problem_count", 0)
                                 - len(result.get("problems", []))),
            "more_warnings": max(0, result.get("warning_count", 0)
                                 - len(result.get("warnings", [])))}


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request: SchoolRequest) -> HttpResponse:
    form = ImportUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored, _ = upload_save(
                upload, extensions=EXTENSIONS, max_bytes=MAX_BYTES,
                text_label="text (CSV, TSV or a policy document)",
                choose="Choose a policy document saved as plain text (.txt), or a CSV, TSV or "
                       "XLSX file.")
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            filename = str(upload.name)[:200]
            job = job_create(school=request.school, actor=request.user, kind=CHECK_KIND,
                             title=f"Checking {filename}")
            transaction.on_commit(lambda: assets_import_check.enqueue(
                str(job.public_id), stored, filename))
            return redirect("assets:import-preview", job.public_id)
    return render(request, "assets/import_upload.html",
                  {"page_title": "Import the register", "form": form})


@school_view("assets.manage")
@require_GET
def import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    job = _own_job(request, public_id, CHECK_KIND)
    if not job.finished:
        return redirect("jobs:job-detail", job.public_id)
    result = job.result or {}
    return render(request, "assets/import_preview.html", _report(job) | {
        "page_title": "Check the import",
        "can_confirm": job.status == Job.Status.DONE and not result.get("problems")
        and bool(result.get("upload")),
        "changes": bool(result.get("created") or result.get("changed")
                        or result.get("groups_created") or result.get("organisations_created")
                        or result.get("labels_created")),
    })


@school_view("assets.manage")
@require_POST
def import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    job = _own_job(request, public_id, CHECK_KIND)
    result = job.result or {}
    if job.status != Job.Status.DONE or result.get("problems") or not result.get("upload"):
        messages.error(request, "This file cannot be imported. Upload it again.")
        return redirect("assets:import-upload")
    claimed = upload_claim(result["upload"])
    if claimed is None:
        messages.error(request, "This file has already been imported, or it was uploaded "
                                "too long ago. Upload it again to import it.")
        return redirect("assets:import-upload")
    filename = str(result.get("filename", ""))
    apply_job = job_create(school=request.school, actor=request.user, kind=APPLY_KIND,
                           title=f"Importing {filename}", total=int(result.get("rows", 0)))
    transaction.on_commit(lambda: assets_import_apply.enqueue(
        str(apply_job.public_id), claimed, filename))
    return redirect("jobs:job-detail", apply_job.public_id)


@school_view("assets.manage")
@require_GET
def import_result(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    job = _own_job(request, public_id, APPLY_KIND)
    if not job.finished:
        return redirect("jobs:job-detail", job.public_id)
    return render(request, "assets/import_result.html",
                  _report(job) | {"page_title": "What was imported"})
