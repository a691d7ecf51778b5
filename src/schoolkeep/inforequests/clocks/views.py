"""The bank holidays page of requests: the days the clocks skip, from the holidays
library and the school's own one-off days, which the DPO adds and removes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.inforequests.clocks import selectors
from schoolkeep.inforequests.clocks.deadline import long_date
from schoolkeep.inforequests.clocks.forms import ExtraBankHolidayForm
from schoolkeep.inforequests.clocks.services import (
    extra_bank_holiday_add,
    extra_bank_holiday_remove,
)
from schoolkeep.inforequests.models import ExtraBankHoliday
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest


def _page(request: SchoolRequest, form: ExtraBankHolidayForm) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "inforequests/clocks/holiday_list.html", {
        "page_title": "Bank holidays for request deadlines",
        "coming": selectors.coming_bank_holidays(today),
        "extra_days": selectors.extra_bank_holidays(request.school),
        "this_year": today.year, "next_year": today.year + 1,
        "can_change": request.access.can("requests.holidays"),
        "can_see_terms": request.access.can("terms.view"), "form": form,
    })


@school_view("requests.view")
@require_GET
def holiday_list(request: SchoolRequest) -> HttpResponse:
    return _page(request, ExtraBankHolidayForm())


@school_view("requests.holidays")
@require_POST
def holiday_add(request: SchoolRequest) -> HttpResponse:
    form = ExtraBankHolidayForm(request.POST)
    if form.is_valid():
        try:
            holiday = extra_bank_holiday_add(school=request.school, actor=request.user,
                                             **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"{holiday.name} on {long_date(holiday.day)} is added: "
                             "the deadlines of open requests are worked out again.")
            return redirect("requests:holiday-list")
    return _page(request, form)


@school_view("requests.holidays")
@require_POST
def holiday_remove(request: SchoolRequest, holiday_id: int) -> HttpResponse:
    holiday = get_object_or_404(ExtraBankHoliday, pk=holiday_id, school=request.school)
    try:
        extra_bank_holiday_remove(school=request.school, actor=request.user, holiday=holiday)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{holiday.name} on {long_date(holiday.day)} is removed: the "
                         "deadlines of open requests are worked out again.")
    return redirect("requests:holiday-list")
