"""The erasure page: what Schoolkeep would erase at its next run, what waits and why, and
the DPO's holds (names shown to the DPO alone: a hold may be about an allegation)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.errors import DomainError
from schoolkeep.privacy.erasure import selectors
from schoolkeep.privacy.erasure.forms import HoldForm, RecordHoldForm
from schoolkeep.privacy.erasure.models import HoldReason
from schoolkeep.privacy.erasure.services import hold_add, hold_record, hold_release
from schoolkeep.privacy.schedule.keys import OWN_KEYS
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

ON_PAGE = 50


@school_view("retention.view")
@require_GET
def erasure_list(request: SchoolRequest) -> HttpResponse:
    overview = selectors.erasure_overview(request.school, today=timezone.localdate(),
                                          limit=ON_PAGE)
    may_hold = request.access.can("erasure.hold")
    holds = list(selectors.active_holds(request.school)[:ON_PAGE]) if may_hold else []
    return render(request, "privacy/erasure/list.html", {
        "page_title": "Schoolkeep's own erasure", "overview": overview, "may_hold": may_hold,
        "holds": holds, "hold_count": selectors.active_holds(request.school).count(),
        "own_keys": OWN_KEYS, "reasons": HoldReason.choices})


@school_view("erasure.hold")
@require_POST
def hold_record_view(request: SchoolRequest) -> HttpResponse:
    """The DPO holds one record from the page's list of records due (a row's own form)."""
    form = RecordHoldForm(request.POST)
    if not form.is_valid():
        _field, errors = next(iter(form.errors.items()))
        messages.error(request, f"The hold was not added: {errors[0]}")
        return redirect("erasure:erasure-list")
    try:
        hold_record(school=request.school, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, f"The hold was not added: {exc.message}")
    else:
        messages.success(request, "The erasure of this record is held until you release it.")
    return redirect("erasure:erasure-list")


@school_view("erasure.hold")
@require_http_methods(["GET", "POST"])
def hold_add_view(request: SchoolRequest) -> HttpResponse:
    form = HoldForm(posted(request), school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            hold_add(school=request.school, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "The erasure is held. Schoolkeep will not erase this "
                                      "person's records until you release the hold.")
            return redirect("erasure:erasure-list")
    return render(request, "privacy/erasure/hold_form.html",
                  {"page_title": "Hold an erasure", "form": form})


@school_view("erasure.hold")
@require_POST
def hold_release_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    hold = selectors.hold_for_school_or_404(request.school, public_id)
    try:
        hold_release(hold=hold, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The hold is released. If the person's period has ended, "
                                  "Schoolkeep erases their records at its next run.")
    return redirect("erasure:erasure-list")
