"""Pages of the requests to take OFFICIAL-SENSITIVE material off site: the lists (yours,
awaiting your decision, every one), the request form, one request's page (with the
approver's one button to approve or refuse), withdrawing, recording the return, and
reporting it lost (a confirmation page, then one button)."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals import selectors, services
from schoolkeep.transfers.removals.forms import (
    DecideForm,
    LostForm,
    RequestForm,
    ReturnForm,
    ShowForm,
    VersionForm,
)

PER_PAGE = 50


def _removal(request: SchoolRequest, public_id: UUID) -> Removal:
    return get_for_school_or_404(
        selectors.removal_for_page(school_id=request.school.pk, public_id=public_id),
        school=request.school)


def _may_see(request: SchoolRequest, removal: Removal) -> bool:
    user = request.user
    return (request.access.can("removals.view")
            or services.is_requester(removal=removal, actor=user)
            or services.may_decide(removal=removal, actor=user))


def _reader(request: SchoolRequest) -> None:
    """The lists and a request's page: whoever may ask, and whoever oversees (read-only
    roles hold ``removals.view`` without ``removals.request``)."""
    if not (request.access.can("removals.request") or request.access.can("removals.view")):
        raise PermissionDenied


@school_view("school.view")
@require_GET
def removal_list(request: SchoolRequest) -> HttpResponse:
    _reader(request)
    can_see_all = request.access.can("removals.view")
    can_ask = request.access.can("removals.request")
    form = ShowForm(request.GET or None)
    show = (form.cleaned_data["show"] if form.is_valid() else "") or (
        selectors.MINE if can_ask else selectors.ALL)
    if show == selectors.ALL and not can_see_all:
        show = selectors.MINE
    removals = selectors.removal_list(
        school_id=request.school.pk, show=show, user=request.user,
        is_siro=services.is_siro(school=request.school, user=request.user))
    page = Paginator(removals, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "transfers/removals/removal_list.html", {
        "page_title": "Taking data off site", "page": page, "show": show,
        "can_see_all": can_see_all, "can_ask": can_ask, "query": urlencode({"show": show})})


@school_view("removals.request")
@require_http_methods(["GET", "POST"])
def removal_create(request: SchoolRequest) -> HttpResponse:
    form = RequestForm(posted(request),
                       assets=list(selectors.assets_for_request(request.school.pk)),
                       items=list(selectors.devices_for_request(request.school.pk)))
    if request.method == "POST" and form.is_valid():
        try:
            removal = services.removal_request(school=request.school, actor=request.user,
                                               **form.service_arguments())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Your request is sent to the person who decides it.")
            return redirect("transfers:removal-detail", public_id=removal.public_id)
    return render(request, "transfers/removals/removal_form.html", {
        "page_title": "Ask to take data off site", "form": form})


def _detail(request: SchoolRequest, removal: Removal, *, decide: DecideForm | None = None,
            returned: ReturnForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    version = {"version": removal.version}
    return render(request, "transfers/removals/removal_detail.html", {
        "page_title": str(removal), "removal": removal,
        "may_decide": (removal.status == Removal.Status.REQUESTED
                       and services.may_decide(removal=removal, actor=user)),
        "may_withdraw": (services.may_be_withdrawn(removal)
                         and services.is_requester(removal=removal, actor=user)),
        "may_return": (removal.status == Removal.Status.APPROVED
                       and services.may_record_return(removal=removal, actor=user)),
        "may_report": (removal.status == Removal.Status.APPROVED and not removal.incident_id
                       and services.may_report_lost(removal=removal, actor=user)),
        "decide_form": decide or DecideForm(initial=version),
        "return_form": returned or ReturnForm(initial=version),
        "version": removal.version, "Status": Removal.Status}, status=status)


@school_view("school.view")
@require_GET
def removal_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    _reader(request)
    removal = _removal(request, public_id)
    if not _may_see(request, removal):
        raise PermissionDenied
    return _detail(request, removal)


@school_view("removals.request")
@require_POST
def removal_decide(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    removal = _removal(request, public_id)
    if not services.may_decide(removal=removal, actor=request.user):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.removal_decide(removal=removal, actor=request.user, approve=approve,
                                    note=form.cleaned_data["note"],
                                    version=form.cleaned_data["version"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The request is approved." if approve
                             else "The request is refused; the requester can see why.")
            return redirect("transfers:removal-detail", public_id=removal.public_id)
    return _detail(request, removal, decide=form)


@school_view("removals.request")
@require_POST
def removal_withdraw(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    removal = _removal(request, public_id)
    if not services.is_requester(removal=removal, actor=request.user):
        raise PermissionDenied
    form = VersionForm(request.POST)
    try:
        services.removal_withdraw(removal=removal, actor=request.user,
                                  version=form.cleaned_data["version"]
                                  if form.is_valid() else None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The request is withdrawn.")
    return redirect("transfers:removal-detail", public_id=removal.public_id)


@school_view("removals.request")
@require_POST
def removal_return(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    removal = _removal(request, public_id)
    if not services.may_record_return(removal=removal, actor=request.user):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.removal_return(removal=removal, actor=request.user,
                                    returned_on=form.cleaned_data["returned_on"],
                                    version=form.cleaned_data["version"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The return is recorded.")
            return redirect("transfers:removal-detail", public_id=removal.public_id)
    return _detail(request, removal, returned=form)


@school_view("removals.request")
@require_http_methods(["GET", "POST"])
def removal_incident(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    removal = _removal(request, public_id)
    if not services.may_report_lost(removal=removal, actor=request.user):
        raise PermissionDenied
    form = LostForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            removal = services.removal_report_lost(
                removal=removal, actor=request.user,
                stolen=form.cleaned_data["what"] == "stolen", note=form.cleaned_data["note"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            assert removal.incident is not None
            messages.success(request, f"Reported as incident {removal.incident.reference}."
                             " The DPO and the SIRO are told.")
            return redirect("transfers:removal-detail", public_id=removal.public_id)
    return render(request, "transfers/removals/removal_incident.html", {
        "page_title": f"Report lost: {removal}", "removal": removal, "form": form,
        "carried_over": services.incident_preview(removal)})
