"""The exports page (the request log's choices, and each request's response letter) and the
two downloads. Both files are made while the member waits: a school has tens of requests a
year, so the log is a few kilobytes and the letter a few pages."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from schoolkeep.inforequests.exports import letter, log
from schoolkeep.inforequests.models import Request
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404

REQUESTS_PER_PAGE = 25


class RequestLogForm(forms.Form):
    format = forms.ChoiceField(
        label="Format", widget=forms.RadioSelect, initial=log.XLSX,
        choices=[(code, label) for code, (label, _) in log.FORMATS.items()],
        error_messages={"required": "Choose a spreadsheet (XLSX) or CSV.",
                        "invalid_choice": "Choose a spreadsheet (XLSX) or CSV."})
    year = forms.ChoiceField(
        label="Requests received in", required=False,
        help_text="The year the request was received (usually the year in its reference, "
                  "RQ-2026-…).",
        error_messages={"invalid_choice": "Choose one of the years listed."})

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", "Every year"),
                                       *((str(year), str(year)) for year in years)]

    def filters(self) -> log.LogFilters:
        return log.LogFilters.from_text(self.cleaned_data.get("year"))


def _visible(request: SchoolRequest) -> Any:
    """The school's requests, less those hidden from the viewer."""
    return Request.objects.filter(school=request.school).exclude(
        hidden_from=request.user.pk)


def _page(request: SchoolRequest, form: RequestLogForm, status: int = 200) -> HttpResponse:
    rows = (_visible(request).only("public_id", "reference", "kind", "received_on", "due_on",
                                   "due_estimated", "status", "reference_year",
                                   "reference_number")
            .order_by("-received_on", "-reference_year", "-reference_number"))
    page = Paginator(rows, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "inforequests/exports/export_list.html", {
        "page_title": "Request log and response letters", "form": form, "page": page,
        "requests_shown": list(page.object_list),
        "can_handle": request.access.can("requests.handle")}, status=status)


@school_view("requests.view")
@require_GET
def export_list(request: SchoolRequest) -> HttpResponse:
    form = RequestLogForm(years=log.years_with_requests(request.school, viewer=request.user))
    return _page(request, form)


@school_view("requests.view")
@require_GET
def export_log(request: SchoolRequest) -> HttpResponse:
    """The log as a file (audited), or the page again naming what is wrong (400)."""
    data = request.GET.copy()
    data.setdefault("format", log.XLSX)  # a bare link downloads the spreadsheet
    form = RequestLogForm(data, years=log.years_with_requests(request.school,
                                                              viewer=request.user))
    if form.is_valid():
        try:
            made = log.request_log_export(school=request.school, actor=request.user,
                                          fmt=form.cleaned_data["format"],
                                          filters=form.filters())
        except DomainError as error:
            refuse_on_form(form, error)
        else:
            return download_response(made.content, name=made.filename,
                                     content_type=made.content_type, fallback="request-log")
    return _page(request, form, status=400)


@school_view("requests.handle")
@require_GET
def request_letter(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """The response letter (Word) of a request the member handles; a request hidden from
    them, or another school's, does not exist for them."""
    found = get_for_school_or_404(_visible(request).select_related("school"),
                                  school=request.school, public_id=public_id)
    try:
        content, content_type, filename = letter.request_letter_download(
            request=found, actor=request.user)
    except NotAllowed:
        raise Http404("Not found") from None
    return download_response(content, name=filename, content_type=content_type,
                             fallback="response-letter")
