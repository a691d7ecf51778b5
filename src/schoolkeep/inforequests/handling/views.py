"""Pages of handling requests: the list, a request's page (its deadline at the top), and the
forms that correct the record, record the identity check and hide the request.

The DPO and SIRO handle; the auditor reads and gets 403 on every form; any other member
sees on the list only their own open searches (the reference and the kind) and never a
request's page; a request hidden from someone, or another school's, is a 404 to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.audit.selectors import history_summary
from schoolkeep.inforequests.clocks.deadline import work_out
from schoolkeep.inforequests.handling import selectors
from schoolkeep.inforequests.handling.forms import (
    HideForm,
    IdentityForm,
    RequestEditForm,
    RequestFilterForm,
)
from schoolkeep.inforequests.handling.rows import clock_countdown, request_rows, task_rows
from schoolkeep.inforequests.handling.services import (
    request_hide,
    request_identity_record,
    request_update,
)
from schoolkeep.inforequests.models import Request, Status
from schoolkeep.inforequests.progress.selectors import progress_context
from schoolkeep.inforequests.searches.selectors import open_tasks_for, searches_context
from schoolkeep.lib.date_input import date_notes
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import members_with_roles

PER_PAGE = 50
HISTORY_ON_PAGE = 20
FORM = "inforequests/handling/form.html"
# A service's error on one of its arguments, where the form names it differently.
EDIT_ERROR_FIELDS = {"received_on": "received_at"}


def _request(request: SchoolRequest, public_id: UUID) -> Request:
    return selectors.request_for_handler_or_404(
        school=request.school, user=request.user, access=request.access, public_id=public_id)


def _form_page(request: SchoolRequest, *, obj: Request, form: Form,
               save: Callable[[dict[str, Any]], Any], title: str, button: str, done: str,
               template: str = FORM, error_fields: dict[str, str] | None = None,
               **extra: Any) -> HttpResponse:
    """Every handling form: on a valid POST call the service and go back to the request's
    page; on a refusal show it on the form (403 when not allowed)."""
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=obj,
                                 what="this request", field_for_error=error_fields)
        else:
            messages.success(request, " ".join([done, *date_notes(form)]))
            return redirect("requests:request-detail", obj.public_id)
    return render(request, template, {"page_title": f"{title}: {obj.reference}",
                                      "title": title, "request_obj": obj, "form": form,
                                      "button": button, "stale": stale, **extra})


@school_view("requests.log")
@require_GET
def request_list(request: SchoolRequest) -> HttpResponse:
    """Handlers and readers: every request they may see. Anyone else: their own open
    searches, by reference and kind only, and the button to log a request."""
    today = timezone.localdate()
    if not request.access.can("requests.view"):
        tasks = open_tasks_for(school=request.school, user=request.user)
        task_page = Paginator(tasks, PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "inforequests/handling/my_searches.html", {
            "page_title": "Requests", "page": task_page,
            "rows": task_rows(list(task_page.object_list))})
    filters = RequestFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    requests = selectors.request_list(
        school=request.school, user=request.user, access=request.access,
        kind=data.get("kind", ""), status=data.get("status", ""), today=today)
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inforequests/handling/list.html", {
        "page_title": "Requests", "filters": filters, "page": page,
        "rows": request_rows(list(page.object_list), today=today),
        "query": query.urlencode()})


@school_view("school.view")
@require_GET
def request_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    obj = _request(request, public_id)
    progress = progress_context(obj)
    clock = work_out(obj, holds=[row.hold for row in progress["progress"].holds],
                     extensions=[row.extension for row in progress["progress"].extensions])
    return render(request, "inforequests/handling/detail.html", {
        "page_title": obj.reference, "request_obj": obj, "clock": clock,
        "countdown": clock_countdown(obj, clock, today=timezone.localdate()),
        "access": request.access,
        "can_handle": request.access.can("requests.handle") and obj.status == Status.OPEN,
        "can_correct": request.access.can("requests.handle"),
        "hidden_from": list(obj.hidden_from.order_by("full_name", "pk")),
        "identity_checked_by": obj.identity_checked_by,
        **progress,
        **searches_context(obj, user=request.user),
        **history_summary(school=request.school, target=obj, access=request.access,
                          limit=HISTORY_ON_PAGE),
    })


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def request_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    obj = _request(request, public_id)
    form = RequestEditForm(posted(request), initial=RequestEditForm.initial_for(obj))
    return _form_page(
        request, obj=obj, form=form, title="Correct the record", button="Save the record",
        done="The record is saved.", error_fields=EDIT_ERROR_FIELDS,
        intro="Correct what was logged. Changing the kind, when it was received or when "
              "exam results are announced moves the deadline; the history keeps who "
              "changed what.",
        save=lambda data: request_update(school=request.school, actor=request.user,
                                         request=obj, version=data["version"],
                                         **form.service_fields(obj)))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def request_identity(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    obj = _request(request, public_id)
    form = IdentityForm(posted(request), initial={
        "version": obj.version, "method": obj.identity_method,
        "checked_on": obj.identity_checked_on or timezone.localdate()})
    return _form_page(
        request, obj=obj, form=form, title="Record the identity check",
        button="Record the check", done="The identity check is recorded.",
        intro="Record the type of document or check you saw, and when. Never keep a copy of "
              "the document: not in Schoolkeep, not in e-mail, not on paper.",
        save=lambda data: request_identity_record(
            school=request.school, actor=request.user, request=obj,
            version=data["version"], method=data["method"], checked_on=data["checked_on"]))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def request_hide_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    obj = _request(request, public_id)
    # Everyone of the school but the person hiding it (who would lose it themselves).
    # Those it is hidden from who have left the school stay listed (and hidden).
    users = {m.user.pk: m.user for m in members_with_roles(request.school)}
    hidden = {user.pk: user for user in obj.hidden_from.all()}
    users.update(hidden)
    members = sorted((user for pk, user in users.items() if pk != request.user.pk),
                     key=lambda user: (str(user), user.pk))
    form = HideForm(posted(request), members=members, initial={
        "version": obj.version,
        "hidden_from": sorted(str(pk) for pk in hidden)})
    return _form_page(
        request, obj=obj, form=form, title="Hide the request from members",
        button="Save", done="Who the request is hidden from is saved.",
        intro="Hide the request from anyone it concerns, such as a request about the SIRO "
              "or about a member of staff. You cannot hide it from yourself.",
        save=lambda data: request_hide(school=request.school, actor=request.user,
                                       request=obj, version=data["version"],
                                       hidden_from=form.chosen()))
