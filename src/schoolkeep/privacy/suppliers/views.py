"""Pages of the suppliers (processors and other controllers): the list, a supplier's page,
and the forms that add one, change it, keep its agreement, record its yearly review and
archive it. Reading needs processors.view, every form processors.manage (the DPO)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.links import url_for_each
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

from . import selectors, services
from .article28 import TERMS
from .forms import (
    AgreementUploadForm,
    ProcessorAddForm,
    ProcessorFilterForm,
    ProcessorForm,
    ReviewForm,
)
from .models import Processor, ProcessorRole

PER_PAGE = 50
FORM = "privacy/suppliers/form.html"


def _processor(request: SchoolRequest, public_id: UUID) -> Processor:
    return get_for_school_or_404(Processor.objects.select_related("outside_organisation"),
                                 school=request.school, public_id=public_id)


def _current(request: SchoolRequest, public_id: UUID) -> Processor:
    """A supplier that may still be changed (an archived one's forms are a 404)."""
    processor = _processor(request, public_id)
    if processor.archived_at is not None:
        raise Http404("Archived")
    return processor


def _to_page(request: SchoolRequest, processor: Processor, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("processors:processor-detail", processor.public_id)


def _form_page(request: SchoolRequest, *, processor: Processor | None, form: Form,
               save: Callable[[dict[str, Any]], Processor], title: str, button: str,
               done: str) -> HttpResponse:
    """Every form: on a valid POST call the service and go to the supplier's page; a refusal
    is shown on its field (403 when not allowed)."""
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as exc:
            stale = refuse_on_form(form, exc)
        else:
            return _to_page(request, saved, done.format(name=saved.name))
    return render(request, FORM, {"page_title": title, "title": title, "form": form,
                                  "processor": processor, "button": button, "stale": stale})


@school_view("processors.view")
@require_GET
def processor_list(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = ProcessorFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.processor_list(school=request.school, role=data.get("role", ""),
                                    attention=bool(data.get("attention")), today=today)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    detail = url_for_each("processors:processor-detail")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "privacy/suppliers/list.html", {
        "page_title": "Suppliers", "filters": filters, "page": page,
        "rows": [(detail(p.public_id), p, selectors.attention_reasons(p, today))
                 for p in page.object_list],
        "query": query.urlencode(), "can_manage": request.access.can("processors.manage")})


def _system_asked_for(request: SchoolRequest) -> System | None:
    """The current system of this school named by ``?system=<public id>`` (the link of the
    "agreement missing" duty), or None (no such system, or not a public id)."""
    try:
        public_id = UUID(request.GET.get("system", ""))
    except ValueError:
        return None
    return System.objects.filter(school=request.school, public_id=public_id,
                                 archived_at__isnull=True).first()


@school_view("processors.manage")
@require_http_methods(["GET", "POST"])
def processor_add(request: SchoolRequest) -> HttpResponse:
    system = _system_asked_for(request)
    found = selectors.suggestions(school=request.school)
    form = ProcessorAddForm(posted(request), suggestions=found, system=system,
                            initial=ProcessorAddForm.initial_for(
                                found, system=system,
                                suggestion=request.GET.get("suggestion", "")))
    return _form_page(
        request, processor=None, form=form, title="Add a supplier", button="Add the supplier",
        done="{name} is added. Record its agreement and where it keeps the data.",
        save=lambda data: services.processor_create(
            school=request.school, actor=request.user, **form.service_fields()))


@school_view("processors.view")
@require_GET
def processor_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    processor = _processor(request, public_id)
    today = timezone.localdate()
    ticked = processor.article28_terms
    return render(request, "privacy/suppliers/detail.html", {
        "page_title": processor.name, "processor": processor,
        "systems": list(processor.systems.order_by("name_key", "pk")),
        "terms": [(term, bool(ticked.get(term.key))) for term in TERMS],
        "is_processor": processor.role == ProcessorRole.PROCESSOR,
        "reasons": selectors.attention_reasons(processor, today),
        "sub_processors": [line for line in processor.sub_processors.splitlines() if line],
        "can_manage": request.access.can("processors.manage")
        and processor.archived_at is None,
        **history_summary(school=request.school, target=processor, access=request.access)})


def _edit_form(request: SchoolRequest, processor: Processor) -> ProcessorForm:
    school = request.school
    systems = list(System.objects.filter(school=school, archived_at__isnull=True)
                   .order_by("name_key", "pk"))
    linked = list(processor.systems.order_by("name_key", "pk"))
    systems += [system for system in linked if system not in systems]
    return ProcessorForm(
        posted(request), initial=ProcessorForm.initial_for(processor, linked),
        organisations=list(OutsideOrganisation.objects.filter(school=school)
                           .order_by("name_key", "pk")), systems=systems)


@school_view("processors.manage")
@require_http_methods(["GET", "POST"])
def processor_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    processor = _current(request, public_id)
    form = _edit_form(request, processor)
    return _form_page(
        request, processor=processor, form=form, title=f"Change {processor.name}",
        button="Save the changes", done="{name}: the changes are saved.",
        save=lambda data: services.processor_update(
            processor, actor=request.user, version=data["version"] or 0,
            **form.service_fields()))


@school_view("processors.manage")
@require_http_methods(["GET", "POST"])
def processor_agreement(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    processor = _current(request, public_id)
    form = AgreementUploadForm(
        posted(request), request.FILES if request.method == "POST" else None,
        initial={"version": processor.version, "signed_on": processor.agreement_signed_on,
                 "review_on": processor.agreement_review_on,
                 "contract_holder": processor.contract_holder})
    return _form_page(
        request, processor=processor, form=form,
        title=f"The agreement with {processor.name}", button="Upload the agreement",
        done="{name}: the agreement is on file.",
        save=lambda data: services.processor_agreement_upload(
            processor, actor=request.user, version=data["version"],
            uploaded_file=data["agreement_file"], signed_on=data["signed_on"],
            review_on=data["review_on"], contract_holder=data["contract_holder"]))


@school_view("processors.view")
@require_GET
def processor_agreement_download(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    processor = _processor(request, public_id)
    try:
        handle = services.processor_agreement_open(processor, actor=request.user)
    except DomainError:
        raise Http404("No document") from None
    return download_response(handle, name=processor.agreement_file_name,
                             content_type=services.agreement_content_type(processor),
                             fallback="agreement")


@school_view("processors.manage")
@require_http_methods(["GET", "POST"])
def processor_review(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    processor = _current(request, public_id)
    form = ReviewForm(posted(request), initial={"version": processor.version,
                                                "reviewed_on": timezone.localdate()})
    return _form_page(
        request, processor=processor, form=form,
        title=f"Record the yearly review of {processor.name}", button="Record the review",
        done="{name}: the review is recorded.",
        save=lambda data: services.processor_review_record(
            processor, actor=request.user, version=data["version"],
            reviewed_on=data["reviewed_on"]))


@school_view("processors.manage")
@require_http_methods(["GET", "POST"])
def processor_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    processor = _current(request, public_id)
    form = Form(posted(request))
    return _form_page(
        request, processor=processor, form=form, title=f"Archive {processor.name}",
        button="Archive the supplier", done="{name} is archived.",
        save=lambda data: services.processor_archive(processor, actor=request.user))
