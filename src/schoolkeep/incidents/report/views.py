"""Signed-in pages of reporting: the short report form and its confirmation, the member's
own reports, and the settings of the school's no-login "report a concern" page with its
printable poster."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.incidents import poster
from schoolkeep.incidents.models import Channel, Incident
from schoolkeep.incidents.report.concern import (
    concern_page_of,
    concern_page_replace,
    concern_page_set_up,
    concern_page_url,
)
from schoolkeep.incidents.report.forms import ReplaceAddressForm, ReportForm
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib import downloads
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

REPORTS_PER_PAGE = 25


@school_view("incidents.report")
@require_http_methods(["GET", "POST"])
def report(request: SchoolRequest) -> HttpResponse:
    now = timezone.now()
    form = ReportForm(posted(request), now=now)
    if request.method == "POST" and form.is_valid():
        try:
            incident, _ = incident_report(school=request.school, actor=request.user,
                                          channel=Channel.APP, **form.service_fields(now=now))
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            for note in form.notes():
                messages.info(request, note)
            return redirect("incidents:report-received", incident.public_id)
    return render(request, "incidents/report_form.html", {
        "page_title": "Report an incident", "form": form,
        "instructions": request.school.incident_reporting_instructions})


@school_view("incidents.report")
@require_GET
def report_received(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """The confirmation, for the member who made the report only."""
    incident = get_for_school_or_404(Incident.objects.only("public_id", "reference"),
                                     school=request.school, public_id=public_id,
                                     reported_by=request.user)
    return render(request, "incidents/report_received.html", {
        "page_title": f"Report {incident.reference} received", "incident": incident})


@school_view("incidents.report")
@require_GET
def my_reports(request: SchoolRequest) -> HttpResponse:
    """The member's own reports and their status: nothing of their handling."""
    reports = (Incident.objects.filter(school=request.school, reported_by_id=request.user.pk)
               .only("public_id", "reference", "title", "received_at", "status")
               .order_by("-received_at", "-pk"))
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "incidents/my_reports.html", {
        "page_title": "Your incident reports", "page": page})


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def concern_settings(request: SchoolRequest) -> HttpResponse:
    """The page's address, QR code and poster. A school without the page yet is offered a
    button that sets it up (a POST: opening this page writes nothing)."""
    if request.method == "POST" and "set_up" in request.POST:
        concern_page_set_up(school=request.school, actor=request.user)
        messages.success(request, "The report-a-concern page is set up. Print the poster and "
                                  "put it where parents, visitors and pupils will see it.")
        return redirect("incidents:concern-settings")
    page = concern_page_of(request.school)
    form = ReplaceAddressForm(posted(request))
    if page is not None and request.method == "POST" and form.is_valid():
        try:
            concern_page_replace(school=request.school, actor=request.user)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The page has a new address. The old address no longer "
                                      "works: print the new poster and replace the old ones.")
            return redirect("incidents:concern-settings")
    if page is None:
        return _concern_not_set_up(request)
    url = concern_page_url(page)
    return render(request, "incidents/concern_settings.html", {
        "page_title": "Report-a-concern page", "url": url, "qr": poster.qr_svg_inline(url),
        "form": form})


def _concern_not_set_up(request: SchoolRequest) -> HttpResponse:
    return render(request, "incidents/concern_settings.html", {
        "page_title": "Report-a-concern page", "url": None})


@school_view("incidents.handle")
@require_GET
def concern_poster(request: SchoolRequest) -> HttpResponse:
    page = concern_page_of(request.school)
    if page is None:  # nothing to print until the page is set up: offer that
        return _concern_not_set_up(request)
    url = concern_page_url(page)
    return download_response(poster.poster_pdf(school=request.school, url=url), inline=True,
                             name="report-a-concern-poster", content_type=downloads.PDF)
