"""Pages of the forced changes: mark a system as possibly compromised, and a forced
change's state (who has changed since, who has not) with "the password has been changed"."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from schoolkeep.incidents.models import Incident, Status
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.passwords.events import selectors, services
from schoolkeep.passwords.events.forms import CompromiseForm, SettleForm
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404


@school_view("passwords.manage")
@require_http_methods(["GET", "POST"])
def system_compromised(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    system = get_for_school_or_404(System, school=request.school, public_id=public_id)
    incidents = (Incident.objects.filter(school=request.school, systems=system)
                 .exclude(status=Status.CLOSED).order_by("-reference_year", "-reference_number"))
    initial = {"incident": request.GET.get("incident")} if request.method == "GET" else None
    form = CompromiseForm(posted(request), initial=initial, incidents=incidents)
    if request.method == "POST" and form.is_valid():
        try:
            forced = services.forced_change_compromise(
                school=request.school, system=system, actor=request.user,
                note=form.cleaned_data["note"], incident=form.cleaned_data["incident"])
        except DomainError as exc:
            refuse_on_form(form, exc, {"system": "__all__"})
        else:
            messages.success(request, f"Everyone who holds a {system.name} password is asked "
                                      "to change it today.")
            return redirect("passwords:forced-change", forced.public_id)
    return render(request, "passwords/events/system_compromised.html", {
        "page_title": f"Mark {system.name} as possibly compromised", "system": system,
        "form": form, "holders": selectors.system_holders(school=request.school, system=system),
        "open": selectors.open_compromise(school=request.school, system=system)})


def _may_see(request: SchoolRequest, state: selectors.ForcedState) -> bool:
    if request.access.can("passwords.view"):
        return True
    return any(row.person.user_id == request.user.pk for row in state.asked)


@school_view("school.view")
@require_http_methods(["GET", "POST"])
def forced_change(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    forced = get_for_school_or_404(
        ForcedChange.objects.select_related("system", "account", "leaver", "incident"),
        school=request.school, public_id=public_id)
    state = selectors.forced_change_state(forced)
    if not _may_see(request, state):
        raise PermissionDenied
    manager = request.access.can("passwords.manage")
    attester = request.access.can("passwords.attest")
    # One's own row only with passwords.attest (read-only roles such as the auditor may be
    # asked, and see the page, but record nothing); the leaver records nothing for their
    # own leaver change (they know the password).
    is_leaver = (forced.reason == ForcedChange.Reason.LEAVER and forced.leaver is not None
                 and forced.leaver.user_id == request.user.pk)
    choices = [] if is_leaver else [
        row.person.pk for row in state.waiting
        if manager or (attester and row.person.user_id == request.user.pk)]
    form = SettleForm(posted(request), people=Person.objects.filter(pk__in=choices)
                      .order_by("name_key", "pk"))
    if request.method == "POST":
        if is_leaver or not (manager or attester):
            raise PermissionDenied
        if forced.settled_at is not None:
            messages.info(request, "This change has already been made: nothing more is needed.")
            return redirect("passwords:forced-change", forced.public_id)
        if not choices:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.forced_change_settle(forced=forced, actor=request.user,
                                              person=form.cleaned_data["person"],
                                              changed_on=form.cleaned_data["changed_on"])
            except DomainError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(request, "The change is recorded.")
                return redirect("passwords:forced-change", forced.public_id)
    return render(request, "passwords/events/forced_change.html", {
        "page_title": f"{forced.system.name}: {forced.get_reason_display().lower()}",
        "forced": forced, "state": state, "form": form if choices else None,
        "withdrawn": selectors.withdrawn(forced),
        "can_see_incident": request.access.can("incidents.view"),
        "changed_heading": ("Changed on or after the leaving date"
                            if forced.reason == ForcedChange.Reason.LEAVER
                            else "Changed since it was asked for")})
