"""The destruction log's pages: the list (filters, pages, CSV), the record form and an
entry's page. Who reads: ``retention.view``; who records: ``destructions.record``. Another
school's entry is a 404."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.assets.models import Asset
from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.date_input import date_notes
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.privacy.destruction import exports, selectors
from schoolkeep.privacy.destruction.forms import DestructionFilterForm, DestructionForm
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.privacy.schedule.selectors import effective_schedule
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PER_PAGE = 50


def _filters(request: SchoolRequest) -> DestructionFilterForm:
    school = request.school
    logged = list(RecordType.objects.filter(destructions__school=school).distinct()
                  .order_by("name", "pk"))
    return DestructionFilterForm(request.GET or None, record_types=logged,
                                 years=selectors.years_with_entries(school))


def _query_without_page(request: SchoolRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@school_view("retention.view")
@require_GET
def destruction_list(request: SchoolRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.destruction_list(school=request.school, filters=filters.filters())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "privacy/destruction/list.html", {
        "page_title": "Destruction log", "filters": filters, "page": page,
        "rows": list(page.object_list), "query": _query_without_page(request),
        "can_record": request.access.can("destructions.record")})


@school_view("retention.view")
@require_GET
def destruction_csv(request: SchoolRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.destruction_list(school=request.school, filters=filters.filters())
    content, content_type = exports.log_csv(school=request.school, actor=request.user,
                                            rows=rows)
    name = f"destruction-log-{request.school.slug}-{timezone.localdate().isoformat()}.csv"
    return download_response(content, name=name, content_type=content_type)


@school_view("destructions.record")
@require_http_methods(["GET", "POST"])
def destruction_create(request: SchoolRequest) -> HttpResponse:
    school = request.school
    assets = list(Asset.objects.filter(school=school, archived_at__isnull=True)
                  .only("public_id", "name").order_by("name_key", "pk"))
    form = DestructionForm(posted(request), initial=DestructionForm.initial_from(request.GET),
                           record_types=effective_schedule(school, include_own=False),
                           assets=assets)
    if request.method == "POST" and form.is_valid():
        try:
            entry = destruction_record(school=school, actor=request.user,
                                       **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, " ".join(["The destruction is recorded in the log.",
                                                *date_notes(form)]))
            return redirect("destructions:destruction-detail", entry.public_id)
    return render(request, "privacy/destruction/form.html", {
        "page_title": "Record a destruction", "form": form})


@school_view("retention.view")
@require_GET
def destruction_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    entry = selectors.destruction_for_page(school=request.school, public_id=public_id)
    return render(request, "privacy/destruction/detail.html", {
        "page_title": entry.description, "entry": entry,
        "link_assets": request.access.can("assets.view"),
        "link_disposal": request.access.can("equipment.view"),
        **history_summary(school=request.school, target=entry, access=request.access)})
