"""The import page: upload a file, see what it would change (or what is wrong with it),
confirm, and follow the import's progress. Also the template files to start from."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.jobs import import_flow
from schoolkeep.people.imports import ImportFileError, template_csv, template_xlsx
from schoolkeep.people.imports.uploads import MAX_BYTES, upload_save
from schoolkeep.people.tasks_import import (
    APPLY_KIND,
    CHECK_KIND,
    people_import_apply,
    people_import_check,
)
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File of people (CSV or XLSX)",
        help_text=f"One row per person, with the template's headings. At most "
                  f"{MAX_BYTES // (1024 * 1024)} MB. Nothing is saved until you confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request: SchoolRequest) -> HttpResponse:
    form = ImportUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored, _ = upload_save(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return import_flow.check_start(request, upload, stored, kind=CHECK_KIND,
                                           task=people_import_check,
                                           preview_url="people:import-preview")
    return render(request, "people/import_upload.html",
                  {"page_title": "Import people", "form": form})


@school_view("people.manage")
@require_GET
def import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    job = import_flow.own_job(request, public_id, CHECK_KIND)
    if not job.finished:
        return redirect("jobs:job-detail", job.public_id)
    result = job.result or {}
    return render(request, "people/import_preview.html", {
        "page_title": "Check the import", "job": job, "result": result,
        "more_problems": max(0, result.get("problem_count", 0) - len(result.get("problems", []))),
        "can_confirm": import_flow.can_confirm(job),
    })


@school_view("people.manage")
@require_POST
def import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=people_import_apply, upload_url="people:import-upload")


@school_view("people.manage")
@require_GET
def import_template(request: SchoolRequest, file_format: str) -> HttpResponse:
    if file_format == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
    else:
        raise Http404("Not found")
    response["Content-Disposition"] = f'attachment; filename="people-import.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
