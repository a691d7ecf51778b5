"""The user-list page: choose a system and upload its exported user list, see what it
would change and what needs attention (nothing saved yet), confirm; and the template files."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.access.imports.tasks import (
    APPLY_KIND,
    CHECK_KIND,
    WithSystem,
    user_list_apply,
    user_list_check,
)
from schoolkeep.access.imports.template import template_csv, template_xlsx
from schoolkeep.jobs import import_flow
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.selectors import own_job
from schoolkeep.lib.import_uploads import SPREADSHEET_MAX_BYTES, spreadsheet_save
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PERMISSION = "access.manage"


class UserListForm(forms.Form):
    system = forms.ModelChoiceField(
        queryset=System.objects.none(), to_field_name="public_id",
        label="The system the list is from",
        error_messages={"required": "Choose the system the list is from.",
                        "invalid_choice": "Choose one of the school's systems."})
    file = forms.FileField(
        label="Its user list (CSV or XLSX)",
        help_text=f"The list the system exports, one account a row. At most "
                  f"{SPREADSHEET_MAX_BYTES // (1024 * 1024)} MB. Nothing is saved until you "
                  "confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": "Choose the file of the system's user list."})

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["system"])
        field.queryset = System.objects.filter(
            school=school, archived_at__isnull=True).order_by("name_key")


@school_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def import_upload(request: SchoolRequest) -> HttpResponse:
    form = UserListForm(posted(request), request.FILES or None, school=request.school,
                        initial={"system": request.GET.get("system")})
    if request.method == "POST" and form.is_valid():
        upload, system = form.cleaned_data["file"], form.cleaned_data["system"]
        try:
            stored, _ = spreadsheet_save(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return import_flow.check_start(
                request, upload, stored, kind=CHECK_KIND, permission=PERMISSION,
                task=cast(import_flow.ImportTask,
                          WithSystem(user_list_check, str(system.public_id))),
                preview_url="access:import-preview")
    return render(request, "access/imports/upload.html",
                  {"page_title": "Check a user list", "form": form})


def _preview(job: Job) -> dict[str, Any]:
    result = job.result or {}
    return {"page_title": "Check the user list", "can_confirm": import_flow.can_confirm(job),
            "sections": result.get("sections", [])}


@school_view(PERMISSION)
@require_GET
def import_preview(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.finished_page(request, public_id, kind=CHECK_KIND,
                                     template="access/imports/preview.html", context=_preview)


@school_view(PERMISSION)
@require_POST
def import_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    job = own_job(request, public_id, CHECK_KIND)
    task = WithSystem(user_list_apply, str((job.result or {}).get("system_id", "")))
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=cast(import_flow.ImportTask, task),
                               upload_url="access:import-upload", permission=PERMISSION)


@school_view(PERMISSION)
@require_GET
def import_template(request: SchoolRequest, file_format: str) -> HttpResponse:
    return import_flow.template_download(file_format, csv=template_csv, xlsx=template_xlsx,
                                         filename="user-list")
