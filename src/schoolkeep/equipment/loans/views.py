"""Pages of equipment loans: the list (open loans first, overdue ones marked), lending an
item (``?item=<id>`` fills it in from the item's page), a loan's page, changing its due
date, recording its return, reporting it as an incident (a page that says what will be
carried over, with one button) and the export."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.equipment.loans import selectors, services
from schoolkeep.equipment.loans.exports import loans_export
from schoolkeep.equipment.loans.forms import (
    LOST_REASON,
    ExportForm,
    IncidentForm,
    LoanEditForm,
    LoanFilterForm,
    LoanForm,
    ReturnForm,
    find_item,
)
from schoolkeep.equipment.models import Loan
from schoolkeep.lib.downloads import CSV, XLSX, download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import person_list
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

LOANS_PER_PAGE = 50


def _filtered(request: SchoolRequest, filters: LoanFilterForm):  # type: ignore[no-untyped-def]
    data = filters.cleaned_data if filters.is_valid() else {}
    return selectors.loan_list(school=request.school, today=timezone.localdate(),
                               status=data.get("status", ""), search=data.get("q", ""))


def _to_loan(request: SchoolRequest, loan: Loan, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("equipment:loan-detail", loan.public_id)


@school_view("equipment.view")
@require_GET
def loan_list(request: SchoolRequest) -> HttpResponse:
    filters = LoanFilterForm(request.GET or None)
    page, rows = selectors.loan_page(_filtered(request, filters),
                                     number=request.GET.get("page"),
                                     today=timezone.localdate(), per_page=LOANS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "equipment/loans/loan_list.html", {
        "page_title": "Equipment on loan", "filters": filters, "page": page, "rows": rows,
        "query": query.urlencode(), "can_manage": request.access.can("equipment.manage")})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def loan_create(request: SchoolRequest) -> HttpResponse:
    people: list[Person] = list(person_list(school=request.school))
    initial: dict[str, Any] = {"issued_on": timezone.localdate()}
    chosen = find_item(request.school, request.GET.get("item", "")[:100])
    if chosen is not None:
        initial["item"] = chosen.asset_tag or chosen.serial_number or str(chosen.public_id)
    form = LoanForm(posted(request), school=request.school, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_issue(school=request.school, actor=request.user,
                                       **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_loan(request, loan, f"{loan.item.label} is lent to "
                                           f"{loan.person.full_name}.")
    return render(request, "equipment/loans/loan_form.html", {
        "page_title": "Lend an item", "form": form, "chosen": chosen})


@school_view("equipment.view")
@require_GET
def loan_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    loan = selectors.loan_for_page(school=request.school, public_id=public_id)
    today = timezone.localdate()
    return render(request, "equipment/loans/loan_detail.html", {
        "page_title": f"{loan.item.label} on loan to {loan.person.full_name}", "loan": loan,
        "overdue": services.is_overdue(loan, today),
        "can_see_incident": request.access.can("incidents.view"),
        "can_see_person": request.access.can("people.view"),
        "can_manage": request.access.can("equipment.manage")})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def loan_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    loan = selectors.loan_for_page(school=request.school, public_id=public_id)
    form = LoanEditForm(posted(request), initial=LoanEditForm.initial_for(loan))
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.loan_update(loan=loan, actor=request.user, version=data.pop("version"),
                                 **data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=loan,
                                 what="this loan")
        else:
            return _to_loan(request, loan, "The loan's changes are saved.")
    return render(request, "equipment/loans/loan_edit.html", {
        "page_title": f"Change the loan of {loan.item.label}", "form": form, "loan": loan,
        "stale": stale})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def loan_return(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    loan = selectors.loan_for_page(school=request.school, public_id=public_id)
    if loan.returned_on is not None:
        return _to_loan(request, loan, f"{loan.item.label} was returned on "
                                       f"{loan.returned_on:%d/%m/%Y} already.")
    form = ReturnForm(posted(request), initial={"returned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_return(loan=loan, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_loan(request, loan, f"{loan.item.label} is recorded as returned.")
    return render(request, "equipment/loans/loan_return.html", {
        "page_title": f"Record the return of {loan.item.label}", "form": form, "loan": loan})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def loan_incident(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    loan = selectors.loan_for_page(school=request.school, public_id=public_id)
    if loan.incident is not None:
        return _to_loan(request, loan, f"This loan is already reported as "
                                       f"{loan.incident.reference}.")
    overdue = services.is_overdue(loan, timezone.localdate())
    form = IncidentForm(posted(request), overdue=overdue)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_report_incident(loan=loan, actor=request.user,
                                          lost=form.cleaned_data["reason"] == LOST_REASON,
                                          note=form.cleaned_data["note"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            loan.refresh_from_db()
            return _to_loan(request, loan, f"Reported as incident "
                                           f"{loan.incident.reference if loan.incident else ''}"
                                           ". The incident's handlers can see it now.")
    return render(request, "equipment/loans/loan_incident.html", {
        "page_title": f"Report the loan of {loan.item.label} as an incident", "form": form,
        "loan": loan, "overdue": overdue, "due_on": services.due_back_on(loan)})


@school_view("equipment.view")
@require_GET
def loan_export(request: SchoolRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404("Not found")
    fmt = form.cleaned_data["format"] or "xlsx"
    loans = selectors.loan_list(school=request.school, today=timezone.localdate(),
                                status=form.cleaned_data["status"], search=form.cleaned_data["q"])
    content, name = loans_export(school=request.school, actor=request.user, loans=loans,
                                 fmt=fmt, today=timezone.localdate())
    return download_response(content, name=name, content_type=CSV if fmt == "csv" else XLSX)
