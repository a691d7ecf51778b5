"""The parents' import page: upload a file, see what it would change (or what is wrong with
it), confirm, and follow the import's progress. Also the template files to start from."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.agreements.forms_parents import ParentImportUploadForm
from schoolkeep.agreements.imports_parents import template_csv, template_xlsx
from schoolkeep.agreements.tasks_parents_import import (
    APPLY_KIND,
    CHECK_KIND,
    parents_import_apply,
    parents_import_check,
    upload_save,
)
from schoolkeep.jobs import import_flow
from schoolkeep.lib.tabular import XLSX_TYPE, ImportFileError
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def parent_import_upload(request: SchoolRequest) -> HttpResponse:
    form = ParentImportUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored, _ = upload_save(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return import_flow.check_start(request, upload, stored, kind=CHECK_KIND,
                                           task=parents_import_check,
                                           preview_url="agreements:parent-import-preview")
    return render(request, "agreements/parents_import_upload.html",
                  {"page_title": "Import parents", "form": form})


@school_view("aups.manage")
@require_GET
def parent_import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    job = import_flow.own_job(request, public_id, CHECK_KIND)
    if not job.finished:
        return redirect("jobs:job-detail", job.public_id)
    result = job.result or {}
    return render(request, "agreements/parents_import_preview.html", {
        "page_title": "Check the import", "job": job, "result": result,
        "more_problems": max(0, result.get("problem_count", 0) - len(result.get("problems", []))),
        "can_confirm": import_flow.can_confirm(job),
    })


@school_view("aups.manage")
@require_POST
def parent_import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=parents_import_apply,
                               upload_url="agreements:parent-import-upload")


@school_view("aups.manage")
@require_GET
def parent_import_template(request: SchoolRequest, file_format: str) -> HttpResponse:
    if file_format == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
    else:
        raise Http404("Not found")
    response["Content-Disposition"] = f'attachment; filename="parents-import.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
