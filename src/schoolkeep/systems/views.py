"""Pages of the systems register: the list, a system's page, the forms that add, change and
archive systems, and the catalogue of the services the policy names."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.register_views import system_register_views
from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.links import url_for_each
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import person_list
from schoolkeep.systems import selectors, services, status
from schoolkeep.systems.catalogue import CATALOGUE
from schoolkeep.systems.forms import CatalogueAddForm, SystemFilterForm, SystemForm
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

SYSTEMS_PER_PAGE = 50


def _system(request: SchoolRequest, public_id: UUID) -> System:
    return get_for_school_or_404(System.objects.prefetch_related("administrators"),
                                 school=request.school, public_id=public_id)


def _people(request: SchoolRequest, system: System | None = None) -> list[Person]:
    """Who may be chosen as administrators: the school's current people, and anyone who
    already is one."""
    people = {person.pk: person for person in person_list(school=request.school)}
    if system is not None:
        people.update({person.pk: person for person in system.administrators.all()})
    return sorted(people.values(), key=lambda person: (person.name_key, person.pk))


def _to_system_page(request: SchoolRequest, system: System, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("systems:system-detail", system.public_id)


def _if_archived(request: SchoolRequest, system: System) -> HttpResponse | None:
    if system.archived_at is None:
        return None
    messages.info(request, f"{system.name} is archived: it can no longer be changed.")
    return redirect("systems:system-detail", system.public_id)


def _fail(form: Any, error: DomainError) -> bool:
    return refuse_on_form(form, error)


@school_view("systems.view")
@require_GET
def system_list(request: SchoolRequest) -> HttpResponse:
    filters = SystemFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    systems = selectors.system_list(school=request.school, kind=data.get("kind", ""),
                                    search=data.get("q", ""),
                                    include_archived=bool(data.get("archived")))
    page = Paginator(systems, SYSTEMS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    detail = url_for_each("systems:system-detail")
    rows = [(detail(system.public_id), system,
             status.mfa_tag(system), status.logoff_tag(system, today))
            for system in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "systems/system_list.html", {
        "page_title": "Systems", "filters": filters, "page": page, "rows": rows,
        "query": query.urlencode(), "can_manage": request.access.can("systems.manage")})


def _url(name: str, args: list[Any], query: dict[str, str] | None = None) -> str:
    """The URL of another module's page, with its query."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _access_links(request: SchoolRequest, system: System) -> dict[str, str]:
    """The accounts on this system (access.view) and "Mark as possibly compromised"
    (passwords.manage, current systems only)."""
    can = request.access.can
    return {
        "accounts_url": _url("access:account-list", [], {"system": str(system.public_id)})
        if can("access.view") else "",
        "compromised_url": _url("passwords:system-compromised", [system.public_id])
        if can("passwords.manage") and system.archived_at is None else "",
    }


@school_view("systems.view")
@require_GET
def system_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    system = selectors.system_for_page(school=request.school, public_id=public_id)
    today = timezone.localdate()
    return render(request, "systems/system_detail.html", {
        "page_title": system.name, "system": system, "mfa_tag": status.mfa_tag(system),
        "logoff_tag": status.logoff_tag(system, today),
        "can_manage": request.access.can("systems.manage") and system.archived_at is None,
        "can_see_rules": request.access.can("transfers.view"),
        **_access_links(request, system),
        **system_register_views(request, system),
        **history_summary(school=request.school, target=system, access=request.access)})


@school_view("systems.manage")
@require_http_methods(["GET", "POST"])
def system_create(request: SchoolRequest) -> HttpResponse:
    form = SystemForm(posted(request), people=_people(request))
    if request.method == "POST" and form.is_valid():
        try:
            system = services.system_create(school=request.school, actor=request.user,
                                            **form.service_fields())
        except DomainError as exc:
            _fail(form, exc)
        else:
            return _to_system_page(request, system, f"{system.name} is added to the register.")
    return render(request, "systems/system_form.html",
                  {"page_title": "Add a system", "form": form, "system": None})


@school_view("systems.manage")
@require_http_methods(["GET", "POST"])
def system_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    system = _system(request, public_id)
    if (archived := _if_archived(request, system)) is not None:
        return archived
    form = SystemForm(posted(request), initial=SystemForm.initial_for(system),
                      people=_people(request, system))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.system_update(system=system, actor=request.user,
                                   version=form.cleaned_data["version"] or 0,
                                   **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=system,
                                 what="this system")
        else:
            return _to_system_page(request, system, f"{system.name}: the changes are saved.")
    return render(request, "systems/system_form.html", {
        "page_title": f"Change {system.name}", "form": form, "system": system,
        "stale": stale})


@school_view("systems.manage")
@require_http_methods(["GET", "POST"])
def system_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    system = _system(request, public_id)
    if (archived := _if_archived(request, system)) is not None:
        return archived
    if request.method == "POST":
        try:
            services.system_archive(system=system, actor=request.user)
        except NotAllowed:
            raise PermissionDenied from None
        return _to_system_page(request, system, f"{system.name} is archived.")
    return render(request, "systems/system_archive.html",
                  {"page_title": f"Archive {system.name}", "system": system})


@school_view("systems.view")
@require_GET
def catalogue(request: SchoolRequest) -> HttpResponse:
    keys, names = selectors.catalogue_keys_in_use(school=request.school)
    entries = [(entry, entry.key in keys or fold(entry.name) in names) for entry in CATALOGUE]
    return render(request, "systems/catalogue.html", {
        "page_title": "Services the policy names", "entries": entries,
        "can_manage": request.access.can("systems.manage")})


@school_view("systems.manage")
@require_POST
def catalogue_add(request: SchoolRequest) -> HttpResponse:
    form = CatalogueAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a service from the catalogue.")
        return redirect("systems:catalogue")
    try:
        system = services.system_add_from_catalogue(school=request.school, actor=request.user,
                                                    key=form.cleaned_data["key"])
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("systems:catalogue")
    return _to_system_page(request, system, f"{system.name} is added to the register. Record "
                                            "how your school uses it.")
