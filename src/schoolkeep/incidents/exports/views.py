"""The exports of incidents: the breach log (started here, made in the background) and the
draft ICO report of a breach (made while the member waits: a few pages of one record)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.incidents.exports import ico, log
from schoolkeep.incidents.models import Incident, Kind
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404

BREACHES_PER_PAGE = 25


class BreachLogExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format", widget=forms.RadioSelect, initial=log.XLSX,
        choices=[(code, label) for code, (label, _) in log.FORMATS.items()],
        error_messages={"required": "Choose a spreadsheet (XLSX) or CSV."},
    )
    date_from = UKDateField(
        label="Became aware from", required=False, what="the first date",
        help_text="Leave both dates empty for every incident.")
    date_to = UKDateField(label="Became aware up to", required=False, what="the last date",
                          help_text="That whole day is included.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return cleaned

    def filters(self) -> log.LogFilters:
        return log.LogFilters(date_from=self.cleaned_data.get("date_from"),
                                      date_to=self.cleaned_data.get("date_to"))


@school_view("incidents.view")
@require_http_methods(["GET", "POST"])
def exports(request: SchoolRequest) -> HttpResponse:
    form = BreachLogExportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            job = log.breach_log_export_start(
                school=request.school, actor=request.user, fmt=form.cleaned_data["format"],
                filters=form.filters())
        except DomainError as error:
            refuse_on_form(form, error)
        else:
            return redirect("jobs:job-detail", job.public_id)
    breaches = (Incident.objects.filter(school=request.school, kind=Kind.BREACH)
                .only("public_id", "reference", "title", "aware_at", "status")
                .order_by("-aware_at", "-reference_number"))
    page = Paginator(breaches, BREACHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "incidents/exports.html", {
        "page_title": "Breach log and ICO reports", "form": form, "page": page,
        "breaches": list(page.object_list),
    })


@school_view("incidents.report")
@require_GET
def ico_report(request: SchoolRequest, public_id: UUID, file_format: str) -> HttpResponse:
    # Only those who read every report see a breach's report: to others it does not exist.
    if not request.access.can("incidents.view") or file_format not in ico.FORMATS:
        raise Http404("Not found")
    incident = get_for_school_or_404(Incident.objects.select_related("school"),
                                     school=request.school, public_id=public_id)
    try:
        content, content_type, filename = ico.ico_report_download(
            incident=incident, actor=request.user, fmt=file_format)
    except NotAllowed:
        raise Http404("Not found") from None
    except DomainError as error:
        return render(request, "incidents/exports_ico_unavailable.html", {
            "page_title": "No ICO report for this incident", "incident": incident,
            "message": error.message}, status=404)
    # A name of our making (the reference); its extension comes from the content's type.
    return download_response(content, name=filename, content_type=content_type,
                             fallback="draft-ico-report")
