"""Pages of the equipment inventory: the list (with what each item lacks, in words), an
item's page (its facts, systems, loans and disposal), the forms that add and change items,
reporting one lost or stolen (a page that says what the incident will carry, one button),
and the download of the list as filtered."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.equipment.inventory import exports, selectors, services
from schoolkeep.equipment.inventory.forms import ItemFilterForm, ItemForm, LostForm
from schoolkeep.equipment.loans.selectors import loans_of_item
from schoolkeep.equipment.models import Item
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

ITEMS_PER_PAGE = 50
LENDABLE = {Item.Status.IN_USE, Item.Status.IN_STORE}
REPORTABLE = {Item.Status.IN_USE, Item.Status.IN_STORE, Item.Status.AWAITING_DISPOSAL}


def _people(request: SchoolRequest, *chosen: Person | None) -> list[Person]:
    """Who an item may be assigned to: the school's current people, and anyone chosen."""
    people = {person.pk: person for person in Person.objects.filter(
        current_q(timezone.localdate()), school=request.school
    ).only("pk", "public_id", "full_name", "name_key", "school_id")}
    people.update({person.pk: person for person in chosen if person is not None})
    return sorted(people.values(), key=lambda person: (person.name_key, person.pk))


def _systems(request: SchoolRequest, *chosen: System) -> list[System]:
    systems = {system.pk: system for system in System.objects.filter(
        school=request.school, archived_at__isnull=True
    ).only("pk", "public_id", "name", "name_key", "school_id")}
    systems.update({system.pk: system for system in chosen})
    return sorted(systems.values(), key=lambda system: (system.name.casefold(), system.pk))


def _filtered(request: SchoolRequest) -> tuple[ItemFilterForm, Any, Person | None]:
    """The filter form, the items it keeps (``selectors.item_list``) and the person chosen."""
    filters = ItemFilterForm(request.GET or None)
    data = filters.filters() if filters.is_valid() else {}
    person = None
    if filters.is_valid() and filters.cleaned_data.get("person"):
        person = get_for_school_or_404(Person.objects.only("pk", "public_id", "full_name"),
                                       school=request.school,
                                       public_id=filters.cleaned_data["person"])
    return filters, selectors.item_list(school=request.school, assigned_to=person,
                                        **data), person


@school_view("equipment.view")
@require_GET
def item_list(request: SchoolRequest) -> HttpResponse:
    filters, items, person = _filtered(request)
    page, rows = selectors.item_page(items, number=request.GET.get("page"),
                                     per_page=ITEMS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "equipment/inventory/item_list.html", {
        "page_title": "Equipment", "filters": filters, "page": page, "rows": rows,
        "person": person, "query": query.urlencode(),
        "can_manage": request.access.can("equipment.manage")})


@school_view("equipment.view")
@require_GET
def item_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    item = selectors.item_for_page(school=request.school, public_id=public_id)
    loans = loans_of_item(item)
    on_loan = any(loan.returned_on is None for loan in loans)
    return render(request, "equipment/inventory/item_detail.html", {
        "page_title": item.label, "item": item, "flags": selectors.flags(item),
        "loans": loans, "entry": getattr(item, "disposal_entry", None),
        "can_lend": not on_loan and item.status in LENDABLE,
        "may_report": item.status in REPORTABLE and services.may_report_lost(
            item=item, actor=request.user),
        "can_manage": request.access.can("equipment.manage")})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def item_create(request: SchoolRequest) -> HttpResponse:
    form = ItemForm(posted(request), people=_people(request), systems=_systems(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(school=request.school, actor=request.user,
                                        **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"{item.label} is added to the inventory.")
            return redirect("equipment:item-detail", item.public_id)
    return render(request, "equipment/inventory/item_form.html",
                  {"page_title": "Add equipment", "form": form, "item": None})


@school_view("equipment.manage")
@require_http_methods(["GET", "POST"])
def item_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    item = selectors.item_for_edit(school=request.school, public_id=public_id)
    form = ItemForm(posted(request), item=item, initial=ItemForm.initial_for(item),
                    people=_people(request, item.assigned_to),
                    systems=_systems(request, *item.systems.all()))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, actor=request.user,
                                 version=form.cleaned_data["version"] or 0,
                                 **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=item,
                                 what="this item")
        else:
            messages.success(request, f"{item.label}: the changes are saved.")
            return redirect("equipment:item-detail", item.public_id)
    return render(request, "equipment/inventory/item_form.html", {
        "page_title": f"Change {item.label}", "form": form, "item": item, "stale": stale})


@school_view("equipment.view")
@require_http_methods(["GET", "POST"])
def item_incident(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """Report the item lost or stolen: the page says what the incident will carry over; its
    one button reports it (whoever manages equipment, or the person who has the item)."""
    item = selectors.item_for_page(school=request.school, public_id=public_id)
    if not services.may_report_lost(item=item, actor=request.user):
        raise PermissionDenied
    form = LostForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_mark_lost(item=item, actor=request.user,
                                           stolen=form.cleaned_data["stolen"] == "stolen",
                                           note=form.cleaned_data["note"])
        except NotAllowed:
            raise PermissionDenied from None
        except DomainError as exc:
            if exc.field == "item":
                messages.error(request, exc.message)
                return redirect("equipment:item-detail", item.public_id)
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"{item.label} is recorded as "
                             f"{item.get_status_display().lower()}, and reported as incident "
                             f"{item.incident.reference if item.incident else ''}.")
            return redirect("equipment:item-detail", item.public_id)
    return render(request, "equipment/inventory/item_incident.html", {
        "page_title": f"Report {item.label} lost or stolen", "item": item, "form": form})


@school_view("equipment.view")
@require_GET
def item_export(request: SchoolRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404("Not found")
    filters, items, person = _filtered(request)
    used = {name: value for name, value in (filters.cleaned_data.items()
                                            if filters.is_bound and filters.is_valid() else [])
            if value and name != "person"}
    if person is not None:
        used["assigned_to"] = person.full_name
    made = exports.inventory_export(school=request.school, actor=request.user, fmt=fmt,
                                    items=items, filters=used)
    return download_response(made.content, name=made.filename, content_type=made.content_type)
