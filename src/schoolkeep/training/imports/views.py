"""The training import page: upload a file, see what it would add (or what is wrong with
it), confirm, and follow the import's progress. Also the template files."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.jobs import import_flow
from schoolkeep.lib.import_uploads import SPREADSHEET_MAX_BYTES, spreadsheet_save
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.training.imports.tasks import (
    APPLY_KIND,
    CHECK_KIND,
    PERMISSION,
    training_import_apply,
    training_import_check,
)
from schoolkeep.training.imports.template import template_csv, template_xlsx


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File of training completed (CSV or XLSX)",
        help_text=f"One row per person per course: the template's headings. At most "
                  f"{SPREADSHEET_MAX_BYTES // (1024 * 1024)} MB. Nothing is saved until you "
                  "confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": "Choose the file of training to import."},
    )


@school_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def import_upload(request: SchoolRequest) -> HttpResponse:
    return import_flow.upload_page(
        request, ImportUploadForm(posted(request), request.FILES or None),
        save=spreadsheet_save, kind=CHECK_KIND, task=training_import_check,
        preview_url="training:import-preview", template="training/imports/upload.html",
        page_title="Import training", permission=PERMISSION)


@school_view(PERMISSION)
@require_GET
def import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.preview_page(request, public_id, kind=CHECK_KIND,
                                    template="training/imports/preview.html")


@school_view(PERMISSION)
@require_POST
def import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=training_import_apply,
                               upload_url="training:import-upload", permission=PERMISSION)


@school_view(PERMISSION)
@require_GET
def import_template(request: SchoolRequest, file_format: str) -> HttpResponse:
    return import_flow.template_download(file_format, csv=template_csv, xlsx=template_xlsx,
                                         filename="training-import")
