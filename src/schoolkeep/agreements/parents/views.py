"""Pages of the parents and carers who sign the parents' AUP: the list with who has signed,
and the forms that add, change and archive a parent."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.agreements.parents import selectors, services
from schoolkeep.agreements.parents.forms import ParentFilterForm, ParentForm
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PARENTS_PER_PAGE = 50


def _parent(request: SchoolRequest, public_id: UUID) -> Parent:
    return selectors.parent_for_school(school=request.school, public_id=public_id)


def _to_list(request: SchoolRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("agreements:parent-list")


def _if_archived(request: SchoolRequest, parent: Parent) -> HttpResponse | None:
    if parent.archived_at is None:
        return None
    messages.info(request, f"{parent.full_name} is archived: they can no longer be changed.")
    return redirect("agreements:parent-list")


@school_view("aups.records")
@require_GET
def parent_list(request: SchoolRequest) -> HttpResponse:
    filters = ParentFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    aup = selectors.parents_aup(request.school)
    parents = selectors.parent_list(school=request.school, search=data.get("q", ""),
                                    state=data.get("state", ""), aup=aup)
    page = Paginator(parents, PARENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "agreements/parent_list.html", {
        "page_title": "Parents and carers", "filters": filters, "page": page, "aup": aup,
        "query": query.urlencode(), "can_manage": request.access.can("aups.manage")})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def parent_create(request: SchoolRequest) -> HttpResponse:
    form = ParentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            parent = services.parent_create(school=request.school, actor=request.user,
                                            **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_list(request, f"{parent.full_name} is added.")
    return render(request, "agreements/parent_form.html",
                  {"page_title": "Add a parent or carer", "form": form, "parent": None})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def parent_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    parent = _parent(request, public_id)
    if (archived := _if_archived(request, parent)) is not None:
        return archived
    form = ParentForm(posted(request), initial=ParentForm.initial_for(parent))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.parent_update(parent=parent, actor=request.user,
                                   version=form.cleaned_data["version"] or 0,
                                   **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=parent,
                                 what="this parent")
        else:
            return _to_list(request, f"{parent.full_name}: the changes are saved.")
    return render(request, "agreements/parent_form.html", {
        "page_title": f"Change {parent.full_name}", "form": form, "parent": parent,
        "stale": stale})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def parent_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    parent = _parent(request, public_id)
    if (archived := _if_archived(request, parent)) is not None:
        return archived
    if request.method == "POST":
        try:
            services.parent_archive(parent=parent, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("agreements:parent-list")
        return _to_list(request, f"{parent.full_name} is archived.")
    return render(request, "agreements/parent_archive.html",
                  {"page_title": f"Archive {parent.full_name}", "parent": parent})
