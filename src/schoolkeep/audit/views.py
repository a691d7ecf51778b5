"""The audit trail of the current school: browse, filter, export, one event, one record."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import cast
from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.audit import export, heads_notice, selectors
from schoolkeep.audit.concealment import visible_to
from schoolkeep.audit.forms import AuditFilterForm
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_in_place
from schoolkeep.lib import downloads
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.downloads import download_response
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.selectors import get_for_school_or_404

PAGE_SIZE = 50
# A value stored as an ISO date or moment ("2026-12-06", "2026-12-06T16:45:50.773105+00:00").
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


def _in_words(value: str) -> str:
    """A stored date or moment as the pages write it ("6 December 2026", a moment in UK time:
    "6 December 2026, 16:45:50 (UK time)"); any other value as it is."""
    try:
        if _ISO_DATE.fullmatch(value):
            day = date.fromisoformat(value)
            return f"{day.day} {day:%B %Y}"
        if _ISO_MOMENT.fullmatch(value):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:  # stored moments are UTC (USE_TZ)
                moment = moment.replace(tzinfo=UTC)
            uk = moment.astimezone(LONDON)
            return f"{uk.day} {uk:%B %Y, %H:%M:%S} (UK time)"
    except ValueError:
        pass
    return value


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent] | None]:
    school = request.school  # type: ignore[attr-defined]
    form = AuditFilterForm(request.GET, people=selectors.people_for_filter(school=school))
    if not form.is_valid():
        return form, None
    return form, selectors.event_list(school=school, viewer=request.user, **form.selection())


@require_GET
@school_view("audit.view")
def event_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page, rows = None, []
    if events is not None:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.event_rows(page, with_history=True)
    return render(request, "audit/event_list.html", {
        "page_title": "Audit trail", "form": form, "page": page, "rows": rows,
        "export_query": request.GET.urlencode() if events is not None else "",
        "export_at_once_up_to": export.IN_BACKGROUND_ABOVE,
        "copy_heads_due": heads_notice.copy_due(),
    })


@require_POST
@school_view("audit.view")
def heads_copied(request: HttpRequest) -> HttpResponse:
    """The operator says they have copied the chain heads again: the notice goes."""
    heads_notice.heads_copied(school=request.school,  # type: ignore[attr-defined]
                              actor=request.user, how="button")
    return redirect("audit:event-list")


def _person_label(form: AuditFilterForm) -> str:
    """The name of the person the trail was filtered by ("" when it was not)."""
    chosen = form.cleaned_data.get("person") or ""
    if not chosen:
        return ""
    field = form.fields["person"]
    assert isinstance(field, ChoiceField)
    choices = cast(list[tuple[str, str]], field.choices)  # set as a list by the form
    return next((str(label) for value, label in choices if value == chosen), "")


def _filters(form: AuditFilterForm) -> str:
    return export.filters_description(form.selection(), person_label=_person_label(form))


@require_GET
@school_view("audit.view")  # type: ignore[arg-type]  # a streaming response is fine here
def event_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered trail as CSV, streamed at once; for a large one, the page that offers
    to make it in the background."""
    form, events = _filtered(request)
    if events is None:  # show the list page with the filter's errors
        return redirect(f"{reverse('audit:event-list')}?{request.GET.urlencode()}")
    school = request.school  # type: ignore[attr-defined]
    chosen = export.trail_chosen(events)
    if chosen.in_background:
        return render(request, "audit/export_start.html", {
            "page_title": "Export the audit trail", "rows": chosen.rows,
            "filters": _filters(form), "export_query": request.GET.urlencode()})
    written = export.trail_export_now(school=school, actor=request.user, chosen=chosen,
                                      filters=_filters(form))
    return download_response(export.csv_lines(written.iterator(chunk_size=export.CHUNK)),
                             name=export.filename_for(school), content_type=downloads.CSV)


@require_POST
@school_view("audit.view")
def event_export_start(request: HttpRequest) -> HttpResponse:
    """Start the job that writes the filtered trail (the filters in the URL's query)."""
    form, events = _filtered(request)
    if events is None:
        return redirect(f"{reverse('audit:event-list')}?{request.GET.urlencode()}")
    job = export.trail_export_start(school=request.school,  # type: ignore[attr-defined]
                                    actor=request.user, selection=form.selection(),
                                    filters=_filters(form))
    return redirect("jobs:job-detail", public_id=job.public_id)


@require_GET
@school_view("audit.view")
def event_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    # An event of a record hidden from the member is not found, as one of another school.
    events = visible_to(AuditEvent.objects.all(), school=school, user=request.user)
    event = get_for_school_or_404(events, school=school, public_id=public_id)
    open_in_place([event])  # its sealed values shown while their subject's key exists
    rows, details = selectors.change_rows(event)
    rows = [row if row.secret else replace(row, before=_in_words(row.before),
                                           after=_in_words(row.after)) for row in rows]
    details = [(name, _in_words(value)) for name, value in details]
    return render(request, "audit/event_detail.html", {
        "page_title": "Audit event", "event": event, "rows": rows, "details": details,
    })


@require_GET
@school_view("audit.view")
def record_history(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    events = selectors.record_events(school=school, target_type=target_type,
                                     target_id=target_id, viewer=request.user)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.event_rows(page, with_history=False)
    if not rows:  # no event of this school: another school's record, none, or one hidden
        raise Http404("Not found")
    return render(request, "audit/record_history.html", {
        "page_title": "History", "page": page, "rows": rows, "target_type": target_type,
        "target_id": target_id, "target_label": rows[0].event.target_label,
    })
