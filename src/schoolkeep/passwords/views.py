"""Pages of the password change cycles: the list, a cycle's page with its holders, the forms
that add, change and archive cycles, the holder's own page ("I changed my password for SIMS
today") and the overdue holders (of every school of the trust, for a trust administrator).

No page asks for, stores or shows a password: a holder only says on which day they changed it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.models import AccessLabel
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.passwords import selectors, services
from schoolkeep.passwords.forms import ChangedForm, CycleForm
from schoolkeep.passwords.models import Cadence, PasswordChange, PasswordCycle
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.catalogue import password_suggestion
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

OVERDUE_PER_PAGE = 50
PERIODIC = {Cadence.EVERY_N_DAYS, Cadence.TERMLY, Cadence.YEARLY}


def _cycle(request: SchoolRequest, public_id: UUID) -> PasswordCycle:
    return get_for_school_or_404(PasswordCycle.objects.select_related("system", "holders_label"),
                                 school=request.school, public_id=public_id)


def _form(request: SchoolRequest, **kwargs: Any) -> CycleForm:
    school = request.school
    today = timezone.localdate()
    return CycleForm(
        posted(request), **kwargs,
        systems=System.objects.filter(school=school, archived_at__isnull=True).order_by(
            "name_key"),
        people=Person.objects.filter(current_q(today), school=school).order_by("name_key"),
        labels=AccessLabel.objects.filter(school=school))


@school_view("passwords.view")
@require_GET
def cycle_list(request: SchoolRequest) -> HttpResponse:
    cycles = selectors.cycle_dues(school=request.school, today=timezone.localdate())
    return render(request, "passwords/cycle_list.html", {
        "page_title": "Password change cycles", "cycles": cycles,
        "periodic": any(item.cycle.cadence in PERIODIC for item in cycles),
        "can_manage": request.access.can("passwords.manage")})


@school_view("passwords.view")
@require_GET
def cycle_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    cycle = _cycle(request, public_id)
    dues = selectors.cycle_dues(school=request.school, today=timezone.localdate(), cycle=cycle)
    rows = dues[0].rows if dues else []
    return render(request, "passwords/cycle_detail.html", {
        "page_title": str(cycle), "cycle": cycle, "rows": rows,
        "overdue": sum(1 for row in rows if row.overdue),
        "estimated": any(row.due and row.due.estimated for row in rows),
        "periodic": cycle.cadence in PERIODIC,
        "can_manage": request.access.can("passwords.manage") and cycle.archived_at is None})


def _initial(request: SchoolRequest) -> dict[str, Any]:
    """A new cycle starts from the catalogue's suggestion for the system in ?system=."""
    initial: dict[str, Any] = {"starts_on": timezone.localdate()}
    wanted = _uuid(request.GET.get("system"))
    system = None if wanted is None else System.objects.filter(
        school=request.school, archived_at__isnull=True, public_id=wanted).first()
    if system is not None:
        initial["system"] = system.pk
        suggestion = password_suggestion(system)
        if suggestion is not None:
            initial.update(name=suggestion.name, cadence=suggestion.cadence,
                           every_days=suggestion.every_days)
    return initial


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value or "")
    except ValueError:
        return None


@school_view("passwords.manage")
@require_http_methods(["GET", "POST"])
def cycle_create(request: SchoolRequest) -> HttpResponse:
    form = _form(request, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(school=request.school, actor=request.user,
                                          **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"The password cycle of {cycle.system.name} is added.")
            return redirect("passwords:cycle-detail", cycle.public_id)
    return render(request, "passwords/cycle_form.html",
                  {"page_title": "Add a password cycle", "form": form, "cycle": None})


@school_view("passwords.manage")
@require_http_methods(["GET", "POST"])
def cycle_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    cycle = _cycle(request, public_id)
    if cycle.archived_at is not None:
        messages.info(request, "This cycle is archived: it can no longer be changed.")
        return redirect("passwords:cycle-detail", cycle.public_id)
    form = _form(request, initial={
        "version": cycle.version, "system": cycle.system_id, "name": cycle.name,
        "cadence": cycle.cadence, "every_days": cycle.every_days,
        "holders": list(cycle.holders.values_list("pk", flat=True)),
        "holders_label": cycle.holders_label_id, "starts_on": cycle.starts_on})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(cycle=cycle, actor=request.user,
                                  version=form.cleaned_data.get("version") or 0,
                                  **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=cycle,
                                 what="this password cycle")
        else:
            messages.success(request, "The password cycle is saved.")
            return redirect("passwords:cycle-detail", cycle.public_id)
    return render(request, "passwords/cycle_form.html", {
        "page_title": f"Change {cycle}", "form": form, "cycle": cycle, "stale": stale})


@school_view("passwords.manage")
@require_POST
def cycle_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    cycle = _cycle(request, public_id)
    services.cycle_archive(cycle=cycle, actor=request.user)
    messages.success(request, "The password cycle is archived; its changes are kept.")
    return redirect("passwords:cycle-list")


@school_view("passwords.attest")
@require_GET
def mine(request: SchoolRequest) -> HttpResponse:
    person, dues = selectors.own_systems(school=request.school, user=request.user,
                                         today=timezone.localdate())
    # One "another day" form per system, each with ids of its own (the names are the same).
    return render(request, "passwords/mine.html", {
        "page_title": "My password changes", "person": person,
        "dues": [(due, ChangedForm(auto_id=f"id_{due.system.public_id}_%s")) for due in dues]})


@school_view("passwords.attest")
@require_POST
def attest(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    system = get_for_school_or_404(System, school=request.school, public_id=public_id)
    person, _ = selectors.own_systems(school=request.school, user=request.user,
                                      today=timezone.localdate())
    if person is None:
        messages.error(request, f"You have no record in People at {request.school.name}, so "
                                "no password changes are asked of you here.")
        return redirect("passwords:mine")
    form = ChangedForm(request.POST)
    if form.is_valid():
        changed_on = form.cleaned_data.get("changed_on") or timezone.localdate()
        try:
            services.password_change_record(
                school=request.school, system=system, person=person, changed_on=changed_on,
                via=PasswordChange.Via.DASHBOARD, actor=request.user)
        except DomainError as exc:
            messages.error(request, f"{system.name}: {exc}")
        else:
            messages.success(request, f"Thank you: your change of your {system.name} password "
                                      f"on {changed_on:%-d %B %Y} is recorded.")
    else:
        for errors in form.errors.values():
            messages.error(request, f"{system.name}: {' '.join(str(e) for e in errors)}")
    return redirect("passwords:mine")


def _overdue_schools(request: SchoolRequest) -> list[Any]:
    """The current school; for a trust administrator, every school of the trust they see."""
    if not request.access.is_trust_admin:
        return [request.school]
    return [a.school for a in request.access_list
            if a.is_trust_admin and a.can("passwords.view")] or [request.school]


@school_view("passwords.view")
@require_GET
def overdue(request: SchoolRequest) -> HttpResponse:
    schools = _overdue_schools(request)
    names = {school.pk: school.name for school in schools}
    rows = selectors.overdue_holders(school_ids=list(names), today=timezone.localdate())
    page = Paginator(rows, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "passwords/overdue.html", {
        "page_title": "Overdue password changes", "page": page,
        "rows": [(names.get(due.person.school_id, ""), due) for due in page.object_list],
        "several": len(schools) > 1, "today": timezone.localdate()})
