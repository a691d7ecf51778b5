"""Pages of backup checks and restore tests: the log of checks (with Schoolkeep's own nightly
runs, read-only), recording a check (``?set=<id>`` chooses the set, as a duty's link does),
a check's report, the restore tests with this term's status, recording a test, a test's
page, and the backup and restore log as a spreadsheet."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.continuity.checks import selectors, services
from schoolkeep.continuity.checks.exports import log_export
from schoolkeep.continuity.checks.forms import (
    CheckFilterForm,
    CheckForm,
    ExportForm,
    RestoreFilterForm,
    RestoreForm,
)
from schoolkeep.continuity.checks.status import failed_restores, restore_dues
from schoolkeep.continuity.models import BackupSet
from schoolkeep.lib.downloads import CSV, XLSX, download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PER_PAGE = 50


def _query_without_page(request: SchoolRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@school_view("continuity.view")
@require_GET
def check_list(request: SchoolRequest) -> HttpResponse:
    sets = selectors.sets_in_use(request.school)
    filters = CheckFilterForm(request.GET or None, sets=sets)
    data = filters.cleaned_data if filters.is_valid() else {}
    chosen: BackupSet | None = data.get("backup_set")
    checks = selectors.check_list(school=request.school, backup_set=chosen,
                                  outcome=data.get("outcome", ""))
    page = Paginator(checks, PER_PAGE).get_page(request.GET.get("page"))
    install_sets = [s for s in sets if s.is_install_copy]
    show_runs = bool(install_sets) and (chosen is None or chosen.is_install_copy)
    return render(request, "continuity/checks/check_list.html", {
        "page_title": "Backup checks", "filters": filters, "page": page,
        "chosen": chosen, "install_sets": install_sets,
        "runs": selectors.install_runs() if show_runs else [],
        "query": _query_without_page(request),
        "can_manage": request.access.can("continuity.manage")})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def check_create(request: SchoolRequest) -> HttpResponse:
    sets = selectors.sets_in_use(request.school, recorded_by_school=True)
    initial: dict[str, Any] = {"checked_on": timezone.localdate()}
    wanted = selectors.find_set(request.school, request.GET.get("set", "")[:100])
    if wanted is not None and any(s.pk == wanted.pk for s in sets):
        initial["backup_set"] = str(wanted.public_id)
    form = CheckForm(posted(request), request.FILES or None, sets=sets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            check = services.check_record(school=request.school, actor=request.user,
                                          evidence=request.FILES.get("evidence"),
                                          **{k: v for k, v in data.items() if k != "evidence"})
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"The check of {check.backup_set.name} is recorded.")
            return redirect("continuity:check-list")
    return render(request, "continuity/checks/check_form.html", {
        "page_title": "Record a backup check", "form": form, "has_sets": bool(sets)})


@school_view("continuity.view")
@require_GET
def check_evidence(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    check = selectors.check_for_page(school=request.school, public_id=public_id)
    try:
        handle = services.evidence_open(check=check, actor=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return download_response(handle, name=check.evidence_original_name or "backup report",
                             content_type=services.evidence_content_type(check),
                             fallback="backup-report")


@school_view("continuity.view")
@require_GET
def restore_list(request: SchoolRequest) -> HttpResponse:
    sets = selectors.sets_in_use(request.school)
    filters = RestoreFilterForm(request.GET or None, sets=sets)
    data = filters.cleaned_data if filters.is_valid() else {}
    tests = selectors.restore_list(school=request.school, backup_set=data.get("backup_set"),
                                   outcome=data.get("outcome", ""))
    page = Paginator(tests, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "continuity/checks/restore_list.html", {
        "page_title": "Restore tests", "filters": filters, "page": page,
        "due": restore_dues([request.school.pk], today=today).get(request.school.pk),
        "failed": failed_restores([request.school.pk]), "today": today,
        "query": _query_without_page(request),
        "can_manage": request.access.can("continuity.manage")})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def restore_create(request: SchoolRequest) -> HttpResponse:
    # Schoolkeep's own sets are restored by the people who run it, not by the school.
    sets = selectors.sets_in_use(request.school, recorded_by_school=True)
    initial: dict[str, Any] = {"tested_on": timezone.localdate()}
    wanted = selectors.find_set(request.school, request.GET.get("set", "")[:100])
    if wanted is not None and any(s.pk == wanted.pk for s in sets):
        initial["backup_set"] = str(wanted.public_id)
    form = RestoreForm(posted(request), sets=sets, scopes=selectors.scopes_in_use(request.school),
                       initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            test = services.restore_record(school=request.school, actor=request.user,
                                           **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The restore test is recorded.")
            return redirect("continuity:restore-detail", test.public_id)
    return render(request, "continuity/checks/restore_form.html", {
        "page_title": "Record a restore test", "form": form, "has_sets": bool(sets)})


@school_view("continuity.view")
@require_GET
def restore_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    test = selectors.restore_for_page(school=request.school, public_id=public_id)
    return render(request, "continuity/checks/restore_detail.html", {
        "page_title": f"Restore test on {test.tested_on:%d/%m/%Y}", "test": test,
        "can_manage": request.access.can("continuity.manage")})


@school_view("continuity.view")
@require_GET
def export(request: SchoolRequest) -> HttpResponse:
    # The format only comes from the page's own links; an edited one gets a plain answer.
    form = ExportForm({"format": request.GET.get("format", "").strip().lower()})
    if not form.is_valid():
        return HttpResponseBadRequest("Choose XLSX or CSV.", content_type="text/plain")
    fmt = form.cleaned_data["format"] or "xlsx"
    content, name = log_export(school=request.school, actor=request.user, fmt=fmt,
                               today=timezone.localdate())
    return download_response(content, name=name, content_type=CSV if fmt == "csv" else XLSX)
