"""Pages of disposal batches: the list, a batch's page (its items, what its certificate says,
its paperwork), the forms that record and change a batch, the paperwork's upload, a match by
hand (POST), the paperwork's download, the evidence pack (a page whose button starts a job)
and the export."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.equipment.disposals import exports, pack, selectors, services
from schoolkeep.equipment.disposals.forms import (
    FIELD_FOR_ERROR,
    DisposalFilterForm,
    DisposalForm,
    DocumentForm,
    MatchForm,
)
from schoolkeep.equipment.models import Disposal
from schoolkeep.lib.downloads import PDF, download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PER_PAGE = 50


def _to_disposal(request: SchoolRequest, disposal: Disposal, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("equipment:disposal-detail", disposal.public_id)


@school_view("equipment.view")
@require_GET
def disposal_list(request: SchoolRequest) -> HttpResponse:
    filters = DisposalFilterForm(request.GET or None)
    search = filters.cleaned_data.get("q", "") if filters.is_valid() else ""
    page = Paginator(selectors.disposal_list(school=request.school, search=search),
                     PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "equipment/disposals/disposal_list.html", {
        "page_title": "Disposals", "filters": filters, "page": page,
        "query": urlencode({"q": search}) if search else "",
        "can_manage": request.access.can("equipment.manage")})


@school_view("equipment.view")
@require_GET
def disposal_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    disposal = selectors.disposal_for_page(school=request.school, public_id=public_id)
    entries = selectors.disposal_entries(disposal)
    return render(request, "equipment/disposals/disposal_detail.html", {
        "page_title": str(disposal), "disposal": disposal, "entries": entries,
        "report": selectors.certificate_report(disposal, entries),
        "keep_until": selectors.keep_note_until(disposal.collected_on),
        "earlier_files": services.earlier_files(disposal),
        "can_manage": request.access.can("equipment.manage")})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def disposal_create(request: SchoolRequest) -> HttpResponse:
    form = DisposalForm(posted(request), organisations=selectors.organisations(request.school))
    if request.method == "POST" and form.is_valid():
        try:
            disposal = services.disposal_create(school=request.school, actor=request.user,
                                                items=form.item_lines(),
                                                **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc, FIELD_FOR_ERROR)
        else:
            return _to_disposal(request, disposal, "The disposal is recorded. Upload the "
                                                   "waste transfer note and the certificate "
                                                   "of secure deletion when you have them.")
    return render(request, "equipment/disposals/disposal_form.html", {
        "page_title": "Record a disposal", "form": form, "disposal": None,
        "awaiting": selectors.disposable_items(request.school)})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def disposal_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    disposal = selectors.disposal_for_page(school=request.school, public_id=public_id)
    form = DisposalForm(posted(request), organisations=selectors.organisations(request.school),
                        editing=True, initial=DisposalForm.initial_for(disposal))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.disposal_update(disposal=disposal, actor=request.user,
                                     version=form.cleaned_data["version"] or 0,
                                     add_items=form.item_lines(), **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=disposal,
                                 what="this disposal", field_for_error=FIELD_FOR_ERROR)
        else:
            return _to_disposal(request, disposal, "The changes are saved.")
    return render(request, "equipment/disposals/disposal_form.html", {
        "page_title": f"Change {disposal}", "form": form, "disposal": disposal,
        "stale": stale, "awaiting": selectors.disposable_items(request.school)})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def disposal_certificate(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    disposal = selectors.disposal_for_page(school=request.school, public_id=public_id)
    form = DocumentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            services.document_upload(disposal=disposal, actor=request.user, kind=kind,
                                     uploaded_file=form.cleaned_data["file"])
        except DomainError as exc:
            refuse_on_form(form, exc, FIELD_FOR_ERROR)
        else:
            return _to_disposal(request, disposal, f"The {services.KINDS[kind]} is uploaded.")
    return render(request, "equipment/disposals/paperwork_form.html", {
        "page_title": f"Upload the paperwork of {disposal}", "form": form,
        "disposal": disposal, "posted_kind": request.POST.get("kind", ""),
        "keep_until": selectors.keep_note_until(disposal.collected_on)})


@school_view("equipment.manage")
@require_POST
def disposal_match(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    disposal = selectors.disposal_for_page(school=request.school, public_id=public_id)
    form = MatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an item of this batch.")
        return redirect("equipment:disposal-detail", disposal.public_id)
    matched = form.cleaned_data["matched"] == "yes"
    try:
        entry = services.item_match(disposal=disposal, actor=request.user,
                                    item_id=form.cleaned_data["item"], matched=matched)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("equipment:disposal-detail", disposal.public_id)
    return _to_disposal(request, disposal, f"{entry.item.label} is "
                        + ("matched to the certificate by hand." if matched
                           else "no longer matched to the certificate."))


@school_view("equipment.view")  # type: ignore[arg-type]  # a streamed file, not HttpResponse
@require_GET
def disposal_file(request: SchoolRequest, public_id: UUID, kind: str) -> HttpResponseBase:
    if kind not in services.KINDS:
        raise Http404("Not found")
    disposal = selectors.disposal_for_page(school=request.school, public_id=public_id)
    # ?earlier=<number>: an earlier version of the file (kept, never deleted).
    earlier_text = request.GET.get("earlier", "")
    if earlier_text and not (earlier_text.isdigit() and len(earlier_text) <= 6):
        raise Http404("Not found")
    earlier = int(earlier_text) if earlier_text else None
    try:
        handle = services.document_open(disposal=disposal, actor=request.user, kind=kind,
                                        earlier=earlier)
    except DomainError:
        raise Http404("Not found") from None
    # A name of our making: nothing typed by anyone reaches the header.
    name = {"note": "waste-transfer-note", "certificate": "certificate-of-destruction"}[kind]
    suffix = "" if earlier is None else f"-earlier-{earlier + 1}"
    return download_response(handle, content_type=PDF,
                             name=f"{name}-{disposal.collected_on.isoformat()}{suffix}")


@school_view("equipment.view")
@require_http_methods(["GET", "POST"])
def disposal_pack(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """GET: what the pack holds and a button; POST: start the job and show its page."""
    disposal = selectors.disposal_for_page(school=request.school, public_id=public_id)
    if request.method == "POST":
        job = pack.pack_start(disposal=disposal, actor=request.user)
        return redirect("jobs:job-detail", job.public_id)
    return render(request, "equipment/disposals/pack_start.html", {
        "page_title": f"Evidence pack of {disposal}", "disposal": disposal})


@school_view("equipment.view")
@require_GET
def disposal_export(request: SchoolRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404("Not found")
    content, content_type, name = exports.export(school=request.school, actor=request.user,
                                                 fmt=fmt)
    return download_response(content, name=name, content_type=content_type)
