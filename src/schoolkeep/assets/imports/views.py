"""The register's import page: upload a file (checked by its content), a check job with its
progress, a preview of exactly what would be created or changed per group (or what is
wrong), with a question for each new asset or group that looks like one already recorded,
confirm, the import job with its progress, and what was imported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.imports.tasks import (
    APPLY_KIND,
    CHECK_KIND,
    assets_import_apply,
    assets_import_check,
)
from schoolkeep.jobs import import_flow
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.selectors import own_job
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


NEW = "new"  # the answer "it is new" to a look-alike


class LookAlikeForm(forms.Form):
    """For each look-alike of the check (``ImportResult.look_alikes``, kept in the job's
    result): the recorded asset or group it is, or new. The answers are required: a
    look-alike added silently is what the question is for."""

    def __init__(self, *args: Any, look_alikes: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.look_alikes = look_alikes
        for number, item in enumerate(look_alikes):
            what = "group" if item["kind"] == "group" else "asset"
            label = (f"The group “{item['name']}” (its first asset is row {item['row']})"
                     if what == "group" else f"Row {item['row']}: the asset “{item['name']}”")
            self.fields[f"match-{number}"] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect, choices=[
                    *((c["id"], f"This is {c['label']}") for c in item["candidates"]),
                    (NEW, f"It is a new {what}: add it")],
                error_messages={"required": f"Choose whether it is already in the register "
                                            f"or a new {what}."})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first: dict[str, int] = {}
        for number, item in enumerate(self.look_alikes):
            chosen = data.get(f"match-{number}")
            if item["kind"] != "asset" or chosen in (None, NEW):
                continue
            if chosen in first:
                self.add_error(f"match-{number}", f"Row {first[chosen]} is already this asset: "
                               "choose it for one row only.")
            first.setdefault(chosen, item["row"])
        return data

    def matches(self) -> list[dict[str, str]]:
        """The answers that are a recorded asset or group, as the import task takes them."""
        return [{"group_key": item["group_key"], "name_key": item["name_key"],
                 "name": item["name"], "target": self.cleaned_data[f"match-{number}"]}
                for number, item in enumerate(self.look_alikes)
                if self.cleaned_data[f"match-{number}"] != NEW]


@dataclass(frozen=True)
class _ApplyWithMatches:
    """The import task, given the preview's answers as well as what ``import_flow.confirm``
    enqueues it with (the job, the upload, the file's name)."""

    matches: list[dict[str, str]]

    def enqueue(self, job_id: str, stored_name: str, filename: str) -> Any:
        return assets_import_apply.enqueue(job_id, stored_name, filename, self.matches)


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


def _preview(job: Job, form: LookAlikeForm | None = None) -> dict[str, Any]:
    result = job.result or {}
    return _warnings(job) | {
        "form": form or LookAlikeForm(look_alikes=result.get("look_alikes", [])),
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
    """Confirm a checked file with an answer for each look-alike (else the preview again,
    saying which are missing)."""
    job = own_job(request, public_id, CHECK_KIND)
    form = LookAlikeForm(request.POST, look_alikes=(job.result or {}).get("look_alikes", []))
    if import_flow.can_confirm(job) and not form.is_valid():
        return render(request, "assets/import_preview.html",
                      import_flow.report_context(job) | _preview(job, form))
    task = _ApplyWithMatches(form.matches()) if form.is_valid() else assets_import_apply
    return import_flow.confirm(request, public_id, check_kind=CHECK_KIND, apply_kind=APPLY_KIND,
                               task=cast(import_flow.ImportTask, task),
                               upload_url="assets:import-upload", permission="assets.manage")


@school_view("assets.manage")
@require_GET
def import_result(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return import_flow.finished_page(
        request, public_id, kind=APPLY_KIND, template="assets/import_result.html",
        context=lambda job: _warnings(job) | {"page_title": "What was imported"})
