"""Pages of searches and the schedule of items.

The checklist page (``search-list``) shows a request's searches and its schedule to the
readers of requests; the DPO and SIRO make the checklist from the asset register, add
places, ask members to search, and keep the schedule. A member asked to search opens their
search's page (``search-detail``): the reference, whom to search for, what was asked, where
to search and the form to record it, nothing else about the request. Anyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.models import Asset
from schoolkeep.inforequests.models import PUBLIC_INFORMATION_KINDS, Request, Status
from schoolkeep.inforequests.searches import selectors
from schoolkeep.inforequests.searches.forms import (
    ItemForm,
    SearchAddForm,
    SearchAssignForm,
    SearchRecordForm,
)
from schoolkeep.inforequests.searches.services import (
    closed_reason,
    item_add,
    item_remove,
    item_update,
    search_add,
    search_assign,
    search_record,
    searches_generate,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

FORM = "inforequests/searches/form.html"
PER_PAGE = 50


def _request(request: SchoolRequest, public_id: UUID) -> Request:
    return selectors.request_for_searches_or_404(school=request.school, user=request.user,
                                                 access=request.access, public_id=public_id)


def _form_page(request: SchoolRequest, *, request_obj: Request, form: Form,
               save: Callable[[], Any], title: str, button: str, done: str,
               template: str = FORM, back: str = "requests:search-list",
               **extra: Any) -> HttpResponse:
    """Every form of this part: on a valid POST call the service and go back to the
    checklist; on a refusal show it on the form (403 when not allowed at all). Once the
    request is answered or withdrawn, the form says why it can no longer be used and goes
    back (the services refuse the write in any case)."""
    reason = closed_reason(request_obj)
    if reason:
        messages.error(request, reason)
        return redirect(back, request_obj.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, done)
            return redirect(back, request_obj.public_id)
    return render(request, template, {"page_title": f"{title}: {request_obj.reference}",
                                      "title": title, "request_obj": request_obj,
                                      "form": form, "button": button, **extra})


def _page(request: SchoolRequest, rows: Any) -> Any:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


@school_view("school.view")  # the selector's 404 for anyone who may not read requests
@require_GET
def search_list(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    page = _page(request, selectors.tasks_query(request_obj))
    return render(request, "inforequests/searches/search_list.html", {
        "page_title": f"Searches: {request_obj.reference}", "request_obj": request_obj,
        "page": page, "search_tasks": list(page.object_list),
        "search_counts": selectors.search_counts(request_obj),
        "missing": selectors.missing_from_checklist(request_obj),
        "for_information": request_obj.kind in PUBLIC_INFORMATION_KINDS,
        "subject_words": selectors.subject_words(request_obj),
        "can_handle": request.access.can("requests.handle")
        and request_obj.status == Status.OPEN})


@school_view("school.view")
@require_GET
def item_list(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    page = _page(request, selectors.items_query(request_obj))
    return render(request, "inforequests/searches/item_list.html", {
        "page_title": f"Schedule of items: {request_obj.reference}",
        "request_obj": request_obj, "page": page, "schedule_items": list(page.object_list),
        "schedule_counts": selectors.item_counts(request_obj),
        "can_handle": request.access.can("requests.handle")
        and request_obj.status == Status.OPEN})


@school_view("requests.handle")
@require_POST
def search_generate(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    try:
        added = searches_generate(school=request.school, actor=request.user,
                                  request=request_obj)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{len(added)} place{'s' if len(added) != 1 else ''} "
                         "added to the checklist." if added
                         else "The checklist already has every place the register suggests.")
    return redirect("requests:search-list", request_obj.public_id)


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def search_add_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    form = SearchAddForm(
        posted(request),
        assets=list(Asset.objects.filter(school=request.school, archived_at__isnull=True)
                    .only("pk", "public_id", "name").order_by("name_key", "pk")),
        systems=list(System.objects.filter(school=request.school, archived_at__isnull=True)
                     .only("pk", "public_id", "name").order_by("name_key", "pk")))
    return _form_page(
        request, request_obj=request_obj, form=form, title="Add a place to search",
        button="Add the place", done="The place is added to the checklist.",
        save=lambda: search_add(school=request.school, actor=request.user,
                                request=request_obj, **form.service_fields()))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def search_assign_view(request: SchoolRequest, task_id: int) -> HttpResponse:
    task = selectors.task_for_page(school=request.school, user=request.user,
                                   access=request.access, task_id=task_id).task
    form = SearchAssignForm(posted(request), initial=SearchAssignForm.initial_for(task),
                            members=selectors.assignable_members(school=request.school,
                                                                 request=task.request))
    return _form_page(
        request, request_obj=task.request, form=form, title="Ask a member to search",
        button="Ask them", done="The search is asked of the member; it is now their task.",
        template="inforequests/searches/assign_form.html", task=task,
        save=lambda: search_assign(school=request.school, actor=request.user,
                                   request=task.request, task=task, **form.service_fields()))


@school_view("school.view")  # the selector's 404 for anyone neither asked nor a reader
@require_http_methods(["GET", "POST"])
def search_detail(request: SchoolRequest, task_id: int) -> HttpResponse:
    found = selectors.task_for_page(school=request.school, user=request.user,
                                    access=request.access, task_id=task_id)
    task = found.task
    may_record = (found.is_assignee or request.access.can("requests.handle")) \
        and task.request.status == Status.OPEN
    if request.method == "POST" and not may_record:
        reason = closed_reason(task.request)
        if reason and request.access.can("requests.handle"):
            messages.error(request, reason)
            return redirect("requests:search-detail", task.pk)
        raise PermissionDenied
    form = SearchRecordForm(posted(request), initial=SearchRecordForm.initial_for(task))
    if request.method == "POST" and form.is_valid():
        try:
            search_record(school=request.school, actor=request.user, task=task,
                          **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Your search is recorded. Thank you.")
            if found.is_assignee:
                return redirect("requests:search-detail", task.pk)
            return redirect("requests:search-list", task.request.public_id)
    return render(request, "inforequests/searches/search_detail.html", {
        "page_title": f"Search for {task.request.reference}", "task": task,
        "request_obj": task.request, "form": form, "may_record": may_record,
        "is_assignee": found.is_assignee,
        "for_information": task.request.kind in PUBLIC_INFORMATION_KINDS,
        "closed_reason": closed_reason(task.request),
        "can_read_request": request.access.can("requests.view")})


def _item_form(request: SchoolRequest, request_obj: Request, **kwargs: Any) -> ItemForm:
    return ItemForm(posted(request), request_obj=request_obj,
                    searches=list(selectors.searches_for_choice(request_obj)), **kwargs)


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def item_add_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    form = _item_form(request, request_obj)
    return _form_page(
        request, request_obj=request_obj, form=form, title="Add an item to the schedule",
        button="Add the item", done="The item is added to the schedule.",
        template="inforequests/searches/item_form.html", back="requests:item-list",
        save=lambda: item_add(school=request.school, actor=request.user,
                              request=request_obj, **form.service_fields()))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def item_edit(request: SchoolRequest, item_id: int) -> HttpResponse:
    item = selectors.item_for_page(school=request.school, user=request.user,
                                   access=request.access, item_id=item_id)
    form = _item_form(request, item.request, initial=ItemForm.initial_for(item))
    return _form_page(
        request, request_obj=item.request, form=form,
        title=f"Change item {item.number} of the schedule", button="Save the changes",
        done=f"Item {item.number} is changed.", template="inforequests/searches/item_form.html",
        back="requests:item-list",
        save=lambda: item_update(school=request.school, actor=request.user,
                                 request=item.request, item=item, **form.service_fields()))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def item_remove_view(request: SchoolRequest, item_id: int) -> HttpResponse:
    item = selectors.item_for_page(school=request.school, user=request.user,
                                   access=request.access, item_id=item_id)
    return _form_page(
        request, request_obj=item.request, form=Form(posted(request)),
        title=f"Remove item {item.number} from the schedule", button="Remove the item",
        done=f"Item {item.number} is removed from the schedule.",
        template="inforequests/searches/item_remove.html", item=item,
        back="requests:item-list",
        save=lambda: item_remove(school=request.school, actor=request.user,
                                 request=item.request, item=item))
