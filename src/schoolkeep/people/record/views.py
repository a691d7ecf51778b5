"""The Single Central Record: the current record, the archive of leavers, the export."""

from __future__ import annotations

from dataclasses import replace

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.links import url_for_each
from schoolkeep.people.record import exports
from schoolkeep.people.record.forms import RecordExportForm, RecordFilterForm
from schoolkeep.people.record.rows import record_count, record_layout, record_rows
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.selectors import leaver_retention
from schoolkeep.people.visibility import school_level
from schoolkeep.privacy.schedule.rules import describe_period
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest


def _record_page(request: SchoolRequest, *, archive: bool) -> HttpResponse:
    layout = record_layout(school_level(request.access), archive=archive)
    form = RecordFilterForm(request.GET or None, sites=list(request.school.sites.all()))
    filters = form.record_filters(archive=archive)
    rule_set = rule_set_for(request.school)
    found = record_rows(school=request.school, rule_set=rule_set, filters=filters,
                        sensitive=layout.sensitive, page=request.GET.get("page"))
    # Counted apart from the page's count: together (a filtered COUNT) read every row.
    incomplete = None if filters.incomplete else record_count(
        school=request.school, rule_set=rule_set,
        filters=replace(filters, incomplete=True))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/record.html", {
        "page_title": "Single Central Record" + (": leavers" if archive else ""),
        "layout": layout, "filters_form": form, "filters": filters, "rule_set": rule_set,
        "page": found.page, "rows": found.rows,
        "incomplete_count": incomplete,
        "query": query.urlencode(), "export_params": filters.as_params(),
        "person_url": url_for_each("people:person-detail"),  # each row's link
        "can_manage_rules": request.access.can("scr.rules.manage"),
        "export_form": RecordExportForm(initial={"format": exports.XLSX,
                                                 "archive": archive}),
        "leaver_period": (describe_period(leaver_retention(request.school))
                          if archive else None),
    })


@school_view("scr.view")
@require_GET
def record(request: SchoolRequest) -> HttpResponse:
    return _record_page(request, archive=False)


@school_view("scr.view")
@require_GET
def record_archive(request: SchoolRequest) -> HttpResponse:
    return _record_page(request, archive=True)


@school_view("scr.view")
@require_POST
@reauthentication_required
def record_export(request: SchoolRequest) -> HttpResponse:
    form = RecordExportForm(request.POST)
    filters_form = RecordFilterForm(request.POST, sites=list(request.school.sites.all()))
    archive = form.is_valid() and form.cleaned_data["archive"]
    back = reverse("people:record-archive" if archive else "people:record")
    if not (form.is_valid() and filters_form.is_valid()):
        messages.error(request, "Choose a spreadsheet or a PDF, then export again.")
        return redirect(back)
    filters = filters_form.record_filters(archive=archive)
    try:
        job = exports.record_export_start(
            school=request.school, actor=request.user, fmt=form.cleaned_data["format"],
            filters=filters, level=school_level(request.access))
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return redirect("jobs:job-detail", job.public_id)
