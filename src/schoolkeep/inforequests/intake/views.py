"""Signed-in pages of receiving requests: the short form every member logs a request with,
the page that follows it (the reference, for the member who logged it), and the settings
of the school's no-login request page with its printable poster."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.inforequests.intake import poster
from schoolkeep.inforequests.intake.forms import ReplaceAddressForm, RequestForm
from schoolkeep.inforequests.intake.public import (
    request_page_of,
    request_page_replace,
    request_page_set_up,
    request_page_url,
)
from schoolkeep.inforequests.intake.services import offers_public_information, request_log
from schoolkeep.inforequests.models import Request
from schoolkeep.lib import downloads
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PAGE_TITLE = "Public request page"


@school_view("requests.log")
@require_http_methods(["GET", "POST"])
def log(request: SchoolRequest) -> HttpResponse:
    """The short form. Afterwards a handler goes to the request's page; anyone else to the
    page with its reference only (no page of theirs shows the request again). Both are GETs:
    refreshing them logs nothing again."""
    form = RequestForm(posted(request), now=timezone.now(), school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            logged = request_log(school=request.school, actor=request.user,
                                 **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            for note in form.notes():
                messages.info(request, note)
            if request.access.can("requests.view"):
                return redirect("requests:request-detail", logged.public_id)
            return redirect("requests:request-logged", logged.public_id)
    return render(request, "inforequests/intake/request_form.html", {
        "page_title": "Log a request", "form": form,
        "offers_foi": offers_public_information(request.school)})


@school_view("requests.log")
@require_GET
def logged(request: SchoolRequest, public_id: str) -> HttpResponse:
    """The reference of a request and what happens next, for the member who logged it
    only (anyone else, whatever their role: 404). It shows nothing else of the request."""
    logged = get_object_or_404(Request.objects.only("reference"), school=request.school,
                               public_id=public_id, logged_by=request.user)
    return render(request, "inforequests/intake/request_logged.html", {
        "page_title": f"Request {logged.reference} logged", "reference": logged.reference})


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def public_page(request: SchoolRequest) -> HttpResponse:
    """The page's address, QR code and poster. A school without the page yet is offered a
    button that sets it up (a POST: opening this page writes nothing)."""
    if request.method == "POST" and "set_up" in request.POST:
        request_page_set_up(school=request.school, actor=request.user)
        messages.success(request, "The request page is set up. Print the poster and put it "
                                  "where parents and visitors will see it, and link to the "
                                  "page from the school's website.")
        return redirect("requests:public-page")
    page = request_page_of(request.school)
    form = ReplaceAddressForm(posted(request))
    if page is not None and request.method == "POST" and form.is_valid():
        try:
            request_page_replace(school=request.school, actor=request.user)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The page has a new address. The old address no longer "
                                      "works: print the new poster and replace the old ones.")
            return redirect("requests:public-page")
    if page is None:
        return _not_set_up(request)
    url = request_page_url(page)
    return render(request, "inforequests/intake/public_page.html", {
        "page_title": PAGE_TITLE, "url": url, "qr": poster.qr_svg_inline(url), "form": form,
        "offers_foi": offers_public_information(request.school)})


def _not_set_up(request: SchoolRequest) -> HttpResponse:
    return render(request, "inforequests/intake/public_page.html", {
        "page_title": PAGE_TITLE, "url": None,
        "offers_foi": offers_public_information(request.school)})


@school_view("requests.handle")
@require_GET
def public_page_poster(request: SchoolRequest) -> HttpResponse:
    page = request_page_of(request.school)
    if page is None:  # nothing to print until the page is set up: offer that
        return _not_set_up(request)
    url = request_page_url(page)
    return download_response(poster.poster_pdf(school=request.school, url=url), inline=True,
                             name="request-page-poster", content_type=downloads.PDF)
