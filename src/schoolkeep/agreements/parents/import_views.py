"""The parents' import page: upload a file, see what it would change (or what is wrong with
it), confirm, and follow the import's progress. Also the template files to start from."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.agreements.parents.forms import ParentImportUploadForm
from schoolkeep.agreements.parents.imports import template_csv, template_xlsx
from schoolkeep.agreements.parents.tasks import (
    APPLY_KIND,
    CHECK_KIND,
    parents_import_apply,
    parents_import_check,
)
from schoolkeep.jobs import import_flow
from schoolkeep.lib.import_uploads import spreadsheet_save
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def parent_import_upload(request: SchoolRequest) -> HttpResponse:
    return import_flow.upload_page(
        request, ParentImportUploadForm(posted(request), request.FILES or None),
        save=spreadsheet_save, kind=CHECK_KIND, task=parents_import_check,
        preview_url="agreements:parent-import-preview",
        template="agreements/parents_import_upload.html", page_title="Import parents",
        permission="aups.manage")


@school_view("aups.manage")
@require_GET
def parent_import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.preview_page(request, public_id, kind=CHECK_KIND,
                                    template="agreements/parents_import_preview.html")


@school_view("aups.manage")
@require_POST
def parent_import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=parents_import_apply,
                               upload_url="agreements:parent-import-upload",
                               permission="aups.manage")


@school_view("aups.manage")
@require_GET
def parent_import_template(request: SchoolRequest, file_format: str) -> HttpResponse:
    return import_flow.template_download(file_format, csv=template_csv, xlsx=template_xlsx,
                                         filename="parents-import")
