"""The register's import page: upload a file (checked by its content), a check job with its
progress, a preview of exactly what would be created or changed per group (or what is
wrong), confirm, the import job with its progress, and what was imported."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.tasks_import import (
    APPLY_KIND,
    CHECK_KIND,
    assets_import_apply,
    assets_import_check,
)
from schoolkeep.jobs import import_flow
from schoolkeep.jobs.models import Job
from schoolkeep.lib.import_uploads import upload_save
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

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


def _warnings(job: Job) -> dict[str, Any]:
    result = job.result or {}
    return {"more_warnings": max(0, result.get("warning_count", 0)
                                 - len(result.get("warnings", [])))}


def _save(upload: Any) -> tuple[str, str]:
    return upload_save(
        upload, extensions=EXTENSIONS, max_bytes=MAX_BYTES,
        text_label="text (CSV, TSV or a policy document)",
        choose="Choose a policy document saved as plain text (.txt), or a CSV, TSV or XLSX "
               "file.")


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request: SchoolRequest) -> HttpResponse:
    return import_flow.upload_page(
        request, ImportUploadForm(posted(request), request.FILES or None), save=_save,
        kind=CHECK_KIND, task=assets_import_check, preview_url="assets:import-preview",
        template="assets/import_upload.html", page_title="Import the register",
        permission="assets.manage")


def _preview(job: Job) -> dict[str, Any]:
    result = job.result or {}
    return _warnings(job) | {
        "page_title": "Check the import",
        "can_confirm": import_flow.can_confirm(job),
        "changes": bool(result.get("created") or result.get("changed")
                        or result.get("groups_created") or result.get("organisations_created")
                        or result.get("labels_created")),
    }


@school_view("assets.manage")
@require_GET
def import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.finished_page(request, public_id, kind=CHECK_KIND,
                                     template="assets/import_preview.html", context=_preview)


@school_view("assets.manage")
@require_POST
def import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=assets_import_apply, upload_url="assets:import-upload",
                               permission="assets.manage")


@school_view("assets.manage")
@require_GET
def import_result(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.finished_page(
        request, public_id, kind=APPLY_KIND, template="assets/import_result.html",
        context=lambda job: _warnings(job) | {"page_title": "What was imported"})
