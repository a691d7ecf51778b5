"""Pages of two-factor coverage and of administrators: one table of the school's systems
with their two-factor, one of everyone who administers a system with their DBS check and
two-factor (gaps first in both), and the form that records why an administrator needs no
DBS check of their own."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.access.coverage import selectors, services
from schoolkeep.access.coverage.forms import DbsExceptionForm
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.people.models import Person
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404


@school_view("access.view")
@require_GET
def two_factor(request: SchoolRequest) -> HttpResponse:
    rows = selectors.two_factor_coverage(school=request.school)
    return render(request, "access/coverage/two_factor.html", {
        "page_title": "Two-factor sign-in", "rows": rows,
        "gaps": sum(row.gap < selectors.ADMIN_GAP for row in rows),
        "remote_gaps": sum(row.gap == selectors.REMOTE_GAP for row in rows)})


@school_view("access.view")
@require_GET
def administrator_list(request: SchoolRequest) -> HttpResponse:
    rows = selectors.administrators(school=request.school, today=timezone.localdate())
    return render(request, "access/coverage/administrators.html", {
        "page_title": "Administrators", "rows": rows,
        "without_dbs": sum(row.needs_dbs for row in rows),
        "can_manage": request.access.can("access.manage")})


@school_view("access.manage")
@require_http_methods(["GET", "POST"])
def dbs_exception(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    person = get_for_school_or_404(Person, school=request.school, public_id=public_id)
    state = selectors.person_dbs(person=person)
    current = state["exception"]
    form = DbsExceptionForm(posted(request) if request.POST.get("action") != "remove" else None,
                            initial={"reason": current.reason if current else ""})
    try:
        if request.POST.get("action") == "remove":
            services.dbs_exception_remove(school=request.school, actor=request.user,
                                          person=person)
            return _done(request, f"{person.full_name}: the exception is removed.")
        if request.method == "POST" and form.is_valid():
            services.dbs_exception_record(school=request.school, actor=request.user,
                                          person=person, reason=form.cleaned_data["reason"])
            return _done(request, f"{person.full_name}: the exception is recorded.")
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        refuse_on_form(form, exc)
    return render(request, "access/coverage/dbs_exception.html", {
        "page_title": f"DBS exception for {person.full_name}", "person": person,
        "form": form, **state})


def _done(request: SchoolRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("access:administrators")
