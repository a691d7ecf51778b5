"""Pages of what needs protecting and of the backup sets: the landing page (each scope with
its sets and its 3-2-1 verdict, and the next step), a scope's page, adding, changing and
archiving a scope, "start with the usual scopes" (POST), the sets' list and page, adding,
changing and retiring a set, and the check window. Schoolkeep's own sets are shown, never
changed: their change and retire pages answer 403."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.continuity import rule321
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes import selectors, services
from schoolkeep.continuity.scopes.forms import (
    ScopeForm,
    SetFilterForm,
    SetForm,
    SettingsForm,
    StartForm,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.people.selectors import person_list
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

SETS_PER_PAGE = 50


def _picks(request: SchoolRequest) -> dict[str, Any]:
    return {"people": list(person_list(school=request.school)),
            "systems": list(System.objects.filter(school=request.school,
                                                  archived_at__isnull=True)
                            .order_by("name_key", "id"))}


def _data(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@school_view("continuity.view")
@require_GET
def scope_list(request: SchoolRequest) -> HttpResponse:
    rows = selectors.scope_rows(school=request.school, today=timezone.localdate())
    can_manage = request.access.can("continuity.manage")
    offered = selectors.systems_not_in_scope(school=request.school) if can_manage else []
    start = StartForm(systems=offered, initial={"systems": [
        str(system.public_id) for system in offered if selectors.looks_cloud_hosted(system)]})
    return render(request, "continuity/scopes/scope_list.html", {
        "page_title": "What needs protecting", "rows": rows, "can_manage": can_manage,
        "start": start, "offered": offered, "met": sum(1 for row in rows if row.verdict.met),
        "window": rule321.window_days([request.school.pk])[request.school.pk]})


@school_view("continuity.manage")
@require_POST
def scopes_start(request: SchoolRequest) -> HttpResponse:
    form = StartForm(request.POST, systems=selectors.systems_not_in_scope(school=request.school))
    if not form.is_valid():
        messages.error(request, "Tick only systems listed on the page, then try again.")
        return redirect("continuity:scope-list")
    ticked = form.cleaned_data["systems"]
    try:
        added = services.scopes_start(school=request.school, actor=request.user,
                                      systems=ticked)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("continuity:scope-list")
    messages.success(request, f"Added {len(added)} to what needs protecting, with Schoolkeep "
                              "itself. Next, record the backup sets that protect them."
                     if added else "The usual scopes are here already.")
    added_systems = {scope.system_id for scope in added}
    skipped = [system.name for system in ticked if system.pk not in added_systems]
    if skipped:
        names = " and ".join([", ".join(skipped[:-1]), skipped[-1]] if len(skipped) > 1
                             else skipped)
        messages.warning(request, f"{names} {'were' if len(skipped) > 1 else 'was'} not added: "
                                  "something of the same name is already listed.")
    return redirect("continuity:scope-list")


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def scope_create(request: SchoolRequest) -> HttpResponse:
    picks = _picks(request)
    wanted = request.GET.get("system", "")[:100]
    initial = ({"kind": Scope.Kind.CLOUD_SYSTEM, "system": wanted}
               if any(str(s.public_id) == wanted for s in picks["systems"]) else {})
    form = ScopeForm(posted(request), initial=initial, **picks)
    if request.method == "POST" and form.is_valid():
        try:
            scope = services.scope_create(school=request.school, actor=request.user,
                                          **_data(form))
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"{scope.name} is added to what needs protecting.")
            return redirect("continuity:scope-detail", scope.public_id)
    return render(request, "continuity/scopes/scope_form.html", {
        "page_title": "Add something that needs protecting", "form": form})


@school_view("continuity.view")
@require_GET
def scope_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    scope = selectors.scope_for_page(school=request.school, public_id=public_id)
    today = timezone.localdate()
    sets = list(selectors.set_list(school=request.school, scope=scope))
    verdict = rule321.evaluate([request.school.pk], today=today).get(scope.pk)
    return render(request, "continuity/scopes/scope_detail.html", {
        "page_title": scope.name, "scope": scope, "verdict": verdict,
        "set_rows": selectors.set_rows(sets, school=request.school, today=today),
        "can_manage": request.access.can("continuity.manage")})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def scope_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    scope = selectors.scope_for_page(school=request.school, public_id=public_id)
    if scope.archived_at is not None:
        raise PermissionDenied
    form = ScopeForm(posted(request), initial=ScopeForm.initial_for(scope),
                     schoolkeep=scope.kind == Scope.Kind.SCHOOLKEEP, **_picks(request))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.scope_update(scope=scope, actor=request.user,
                                  version=form.cleaned_data["version"] or 0, **_data(form))
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=scope,
                                 what="this scope")
        else:
            messages.success(request, "The changes are saved.")
            return redirect("continuity:scope-detail", scope.public_id)
    return render(request, "continuity/scopes/scope_form.html", {
        "page_title": f"Change {scope.name}", "form": form, "scope": scope, "stale": stale})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def scope_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    scope = selectors.scope_for_page(school=request.school, public_id=public_id)
    if scope.kind == Scope.Kind.SCHOOLKEEP:
        raise PermissionDenied
    if request.method == "POST":
        services.scope_archive(scope=scope, actor=request.user)
        messages.success(request, f"{scope.name} is taken off what needs protecting.")
        return redirect("continuity:scope-list")
    return render(request, "continuity/scopes/scope_archive.html", {
        "page_title": f"Take {scope.name} off what needs protecting", "scope": scope})


@school_view("continuity.view")
@require_GET
def set_list(request: SchoolRequest) -> HttpResponse:
    filters = SetFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    sets = selectors.set_list(school=request.school, status=data.get("status", ""),
                              search=data.get("q", ""))
    page = Paginator(sets, SETS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "continuity/scopes/set_list.html", {
        "page_title": "Backup sets", "filters": filters, "page": page,
        "rows": selectors.set_rows(list(page.object_list), school=request.school,
                                   today=timezone.localdate()),
        "query": query.urlencode(), "can_manage": request.access.can("continuity.manage")})


def _set_form(request: SchoolRequest, **kwargs: Any) -> SetForm:
    return SetForm(posted(request), scopes=list(selectors.scopes_in_use(school=request.school)),
                   **_picks(request), **kwargs)


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def set_create(request: SchoolRequest) -> HttpResponse:
    wanted = request.GET.get("scope", "")[:100]
    form = _set_form(request, initial={"schedule": BackupSet.Schedule.DAILY,
                                       "scopes": [wanted] if wanted else []})
    if request.method == "POST" and form.is_valid():
        try:
            backup_set = services.set_create(school=request.school, actor=request.user,
                                             **_data(form))
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"{backup_set.name} is added. Record a check of it "
                                      "to make it count in the 3-2-1 rule.")
            return redirect("continuity:set-detail", backup_set.public_id)
    return render(request, "continuity/scopes/set_form.html", {
        "page_title": "Add a backup set", "form": form})


@school_view("continuity.view")
@require_GET
def set_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    backup_set = selectors.set_for_page(school=request.school, public_id=public_id)
    row = selectors.set_rows([backup_set], school=request.school,
                             today=timezone.localdate())[0]
    return render(request, "continuity/scopes/set_detail.html", {
        "page_title": backup_set.name, "backup_set": backup_set, "row": row,
        "scopes": list(backup_set.scopes.order_by("name_key")),
        "provider": services.provider_label(backup_set),
        "can_manage": request.access.can("continuity.manage")})


def _editable_set(request: SchoolRequest, public_id: UUID) -> BackupSet:
    backup_set = selectors.set_for_page(school=request.school, public_id=public_id)
    if backup_set.is_install_copy or backup_set.retired_at is not None:
        raise PermissionDenied  # Schoolkeep's own sets, and retired ones, stay as they are
    return backup_set


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def set_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    backup_set = _editable_set(request, public_id)
    form = _set_form(request, initial=SetForm.initial_for(backup_set))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.set_update(backup_set=backup_set, actor=request.user,
                                version=form.cleaned_data["version"] or 0, **_data(form))
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=backup_set,
                                 what="this backup set")
        else:
            messages.success(request, "The changes are saved.")
            return redirect("continuity:set-detail", backup_set.public_id)
    return render(request, "continuity/scopes/set_form.html", {
        "page_title": f"Change {backup_set.name}", "form": form, "backup_set": backup_set,
        "stale": stale})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def set_retire(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    backup_set = _editable_set(request, public_id)
    if request.method == "POST":
        services.set_retire(backup_set=backup_set, actor=request.user)
        messages.success(request, f"{backup_set.name} is retired: it no longer counts in the "
                                  "3-2-1 rule.")
        return redirect("continuity:set-detail", backup_set.public_id)
    return render(request, "continuity/scopes/set_retire.html", {
        "page_title": f"Retire {backup_set.name}", "backup_set": backup_set})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def settings_edit(request: SchoolRequest) -> HttpResponse:
    current = services.settings_for(request.school)
    form = SettingsForm(posted(request), initial={
        "version": current.version, "check_window_days": current.check_window_days})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(school=request.school, actor=request.user,
                                     **form.cleaned_data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=current,
                                 what="these settings")
        else:
            messages.success(request, "The settings are saved.")
            return redirect("continuity:scope-list")
    return render(request, "continuity/scopes/settings.html", {
        "page_title": "Backup settings", "form": form, "stale": stale})
