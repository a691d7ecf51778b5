"""Pages for the school: switching, key contacts, settings, members and invitations."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy import contacts, selectors, services
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.forms import (
    ContactNumbersForm,
    InvitationForm,
    MemberFilterForm,
    MemberRolesForm,
    SchoolSettingsForm,
)
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.middleware import SESSION_KEY
from schoolkeep.tenancy.models import Invitation, Membership

MEMBERS_PER_PAGE = 50


def _form_error(form: Form, error: DomainError, *, fields: dict[str, str] | None = None) -> None:
    show_domain_error(form, error, fields)


def _member(request: SchoolRequest, public_id: UUID) -> Membership:
    queryset = Membership.objects.select_related("user", "school").prefetch_related("roles")
    return selectors.get_for_school_or_404(queryset, school=request.school, public_id=public_id)


@login_required
def no_school(request: SchoolRequest) -> HttpResponse:
    if getattr(request, "access", None) is not None:
        return redirect("duties:dashboard")
    return render(request, "tenancy/no_school.html", {"page_title": "You are not in a school"})


@login_required
@require_POST
def school_switch(request: SchoolRequest) -> HttpResponse:
    slug = request.POST.get("school") or request.POST.get("slug") or ""
    access = next((a for a in request.access_list if a.school.slug == slug), None)
    if access is None:
        raise Http404("Not found")
    request.session[SESSION_KEY] = access.school.pk
    return redirect("duties:dashboard")


@school_view("school.view")
@require_GET
def key_contacts(request: SchoolRequest) -> HttpResponse:
    instructions, is_default = contacts.incident_instructions(request.school)
    return render(request, "tenancy/key_contacts.html", {
        "page_title": "Key contacts",
        "role_sections": contacts.key_role_sections(request.school),
        "extra_sections": contacts.extra_sections(request.school),
        "incident_instructions": instructions,
        "incident_instructions_default": is_default,
        "can_edit_settings": request.access.can("school.settings"),
        "can_report": request.access.can("incidents.report"),
        "phones": contacts.phone_numbers(request.school),
        "contact_hours": request.school.contact_hours,
    })


@school_view("school.settings")
@require_http_methods(["GET", "POST"])
def school_settings(request: SchoolRequest) -> HttpResponse:
    """Two forms on one page, each its own action: the settings, and the key contacts'
    telephone numbers (the button pressed says which: ``part``)."""
    school = request.school
    part = request.POST.get("part", "settings") if request.method == "POST" else ""
    form = SchoolSettingsForm(posted(request) if part == "settings" else None,
                              initial=SchoolSettingsForm.initial_for(school))
    numbers = ContactNumbersForm(posted(request) if part == "contacts" else None,
                                 prefix="contacts",
                                 initial=ContactNumbersForm.initial_for(school))
    if part == "settings" and form.is_valid():
        data = form.cleaned_data
        try:
            services.school_update_settings(
                school=school, actor=request.user, version=data["version"],
                idle_timeout_minutes=data["idle_timeout_minutes"],
                require_mfa_for_all=data["require_mfa_for_all"],
                incident_reporting_instructions=data["incident_reporting_instructions"],
            )
        except StaleVersion as exc:
            school.refresh_from_db()
            form = SchoolSettingsForm(SchoolSettingsForm.initial_for(school))
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "The school's settings are saved.")
            return redirect("tenancy:school-settings")
    elif part == "contacts" and numbers.is_valid():
        try:
            contacts.school_update_contacts(school=school, actor=request.user,
                                            **numbers.cleaned_data)
        except DomainError as exc:
            _form_error(numbers, exc)
        else:
            messages.success(request, "The key contacts' telephone numbers are saved.")
            return redirect("tenancy:school-settings")
    return render(request, "tenancy/school_settings.html", {
        "page_title": "School settings", "form": form, "numbers": numbers,
        "form_failed": bool(numbers.errors)})


@school_view("members.view")
@require_GET
def member_list(request: SchoolRequest) -> HttpResponse:
    filters = MemberFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    members = selectors.member_list(
        school=request.school, search=data.get("q", ""), role=data.get("role", ""),
        active=data.get("status") != "deactivated",
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tenancy/member_list.html", {
        "page_title": "Members",
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "invitations": selectors.invitation_list_open(school=request.school),
        "can_manage": request.access.can("members.manage"),
        "can_invite": selectors.access_may_invite(request.access),
    })


@school_view("members.view")
@require_http_methods(["GET", "POST"])
def invitation_create(request: SchoolRequest) -> HttpResponse:
    if not selectors.access_may_invite(request.access):
        raise PermissionDenied
    form = InvitationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                school=request.school, actor=request.user, email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"], roles=form.cleaned_data["roles"],
            )
        except NotAllowed:
            raise PermissionDenied from None
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("tenancy:member-list")
    return render(request, "tenancy/invitation_create.html",
                  {"page_title": "Invite a member", "form": form})


@school_view("members.view")
@require_POST
def invitation_revoke(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    if not selectors.access_may_invite(request.access):
        raise PermissionDenied
    invitation = selectors.get_for_school_or_404(
        Invitation.objects.select_related("school"), school=request.school, public_id=public_id
    )
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("tenancy:member-list")


@school_view("members.manage")
@require_http_methods(["GET", "POST"])
def member_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    membership = _member(request, public_id)
    roles = [role.role for role in membership.roles.all()]
    form = MemberRolesForm(posted(request),
                           initial={"roles": roles, "version": membership.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set_roles(
                membership=membership, roles=form.cleaned_data["roles"], actor=request.user,
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=membership,
                                 what="these roles")
        else:
            messages.success(request, f"The roles of {membership.user} are saved.")
            return redirect("tenancy:member-list")
    return render(request, "tenancy/member_edit.html", {
        "page_title": f"Roles of {membership.user}", "membership": membership, "form": form,
        "stale": stale,
    })


@school_view("members.manage")
@require_http_methods(["GET", "POST"])
def member_deactivate(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    membership = _member(request, public_id)
    error = ""
    if request.method == "POST":
        try:
            services.membership_deactivate(membership=membership, actor=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"{membership.user} can no longer use this school.")
            return redirect("tenancy:member-list")
    return render(request, "tenancy/member_deactivate.html", {
        "page_title": f"Deactivate {membership.user}", "membership": membership, "error": error,
    }, status=400 if error else 200)
