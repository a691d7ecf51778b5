"""Pages for people: the list, a person's page, and the forms that change them and their
checks. What each viewer sees of a person is decided by ``visibility.person_visibility``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.links import url_for_each
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.people import selectors, services
from schoolkeep.people.forms import (
    CheckForm,
    CopyDeleteForm,
    CopyUploadForm,
    LeaverForm,
    LinkAccountForm,
    OverrideForm,
    PersonFilterForm,
    PersonForm,
    VersionForm,
)
from schoolkeep.people.models import CertificateCopy, Check, CheckOverride, CheckType, Person
from schoolkeep.people.rules.rule_sets import check_states, rule_set_for
from schoolkeep.people.sections import person_sections
from schoolkeep.people.visibility import Level, person_visibility, school_level
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404, members_with_roles

PEOPLE_PER_PAGE = 50


def _person(request: SchoolRequest, public_id: UUID) -> Person:
    return get_for_school_or_404(Person.objects.select_related("school"),
                                 school=request.school, public_id=public_id)


def _check_type(check_type: str) -> CheckType:
    try:
        return CheckType(check_type)
    except ValueError:
        raise Http404("Not found") from None


def _sites(request: SchoolRequest) -> list[Any]:
    return list(request.school.sites.order_by("name"))


def _to_person_page(request: SchoolRequest, person: Person, message: str) -> HttpResponse:
    """After a change is saved: say so, and go back to the person's page."""
    messages.success(request, message)
    return redirect("people:person-detail", person.public_id)


def _fail(form: Any, error: DomainError) -> bool:
    return refuse_on_form(form, error)


@school_view("school.view")
@require_GET
def person_list(request: SchoolRequest) -> HttpResponse:
    details = school_level(request.access) >= Level.DETAILS
    filters = PersonFilterForm(request.GET or None, sites=_sites(request), details=details)
    data = filters.cleaned_data if filters.is_valid() else {}
    status = (data.get("status") or selectors.CURRENT) if details else selectors.CURRENT
    page = selectors.person_list_page(
        school=request.school, search=data.get("q", ""), kind=data.get("kind", ""),
        site=data.get("site"), status=status, search_details=details,
        page=request.GET.get("page"), per_page=PEOPLE_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/person_list.html", {
        "page_title": "People", "filters": filters, "page": page, "query": query.urlencode(),
        "details": details, "leavers": status == selectors.LEAVERS,
        "can_manage": request.access.can("people.manage"),
        "can_see_checklists": request.access.can("leavers.view"),
        "own_id": selectors.own_person_id(school=request.school, user=request.user),
        "person_url": url_for_each("people:person-detail"),  # each row's link
    })


@school_view("school.view")
@require_GET
def person_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    person = selectors.person_for_page(school=request.school, public_id=public_id)
    level = person_visibility(request.access, person, request.user)
    context: dict[str, Any] = {
        "page_title": person.display_name, "person": person,
        "show_details": level >= Level.DETAILS, "show_record": level >= Level.RECORD,
        "show_sensitive": level >= Level.SENSITIVE,
        "show_copies": request.access.can("scr.sensitive.view"),
        "can_manage": request.access.can("people.manage"),
        "is_own": person.user_id is not None and person.user_id == request.user.pk,
        "sections": person_sections(request=request, person=person, level=level),
        "today": timezone.localdate(),
    }
    if level >= Level.RECORD:
        states = check_states(person, rule_set_for(request.school))
        context.update(states=states, missing_count=sum(s.missing for s in states))
    if level >= Level.DETAILS:
        context.update(history_summary(school=request.school, target=person,
                                       access=request.access))
    return render(request, "people/person_detail.html", context)


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def person_create(request: SchoolRequest) -> HttpResponse:
    form = PersonForm(posted(request), school=request.school, sites=_sites(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(school=request.school, actor=request.user,
                                            **form.service_fields())
        except DomainError as exc:
            _fail(form, exc)
        else:
            return _to_person_page(request, person, f"{person.full_name} is added.")
    return render(request, "people/person_form.html",
                  {"page_title": "Add a person", "form": form, "person": None})


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def person_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    person = _person(request, public_id)
    form = PersonForm(posted(request), initial=PersonForm.initial_for(person),
                      school=request.school, sites=_sites(request))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user,
                                   version=form.cleaned_data["version"] or 0,
                                   **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=person,
                                 what="this record")
        else:
            return _to_person_page(request, person, f"{person.full_name}'s details are saved.")
    return render(request, "people/person_form.html", {
        "page_title": f"Change {person.full_name}'s details", "form": form, "person": person,
        "stale": stale})


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def person_leaver(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    person = _person(request, public_id)
    form = LeaverForm(posted(request), initial={"leaving_date": person.leaving_date,
                                                "version": person.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.person_mark_leaver(person=person, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=person,
                                 what="this record")
        else:
            return _to_person_page(request, person,
                                   f"{person.full_name}'s leaving date is recorded.")
    return render(request, "people/person_leaver.html", {
        "page_title": f"Mark {person.full_name} as a leaver", "form": form, "person": person,
        "stale": stale})


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def person_link_account(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    person = _person(request, public_id)
    linked = set(person.school.people.exclude(pk=person.pk).exclude(user=None)
                 .values_list("user_id", flat=True))
    members = [m.user for m in members_with_roles(request.school) if m.user_id not in linked]
    initial = {"user": str(person.user.public_id) if person.user else "",
               "version": person.version}
    form = LinkAccountForm(posted(request), initial=initial, members=members)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.person_link_account(person=person, actor=request.user,
                                         user=form.chosen_user(),
                                         version=form.cleaned_data["version"])
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=person,
                                 what="this record")
        else:
            return _to_person_page(request, person, f"{person.full_name}'s account link is saved.")
    return render(request, "people/person_link_account.html", {
        "page_title": f"Link {person.full_name} to an account", "form": form, "person": person,
        "stale": stale})


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def check_edit(request: SchoolRequest, public_id: UUID, check_type: str) -> HttpResponse:
    person, kind = _person(request, public_id), _check_type(check_type)
    check = Check.objects.filter(person=person, check_type=kind).first()
    form = CheckForm(posted(request), initial=CheckForm.initial_for(check, kind),
                     check_type=kind)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.check_save(person=person, actor=request.user, check_type=kind,
                                version=form.cleaned_data["version"] or 0,
                                **form.service_fields())
        except DomainError as exc:
            saved = Check.objects.filter(person=person, check_type=kind).first()
            stale = refuse_stale(form, exc, school=request.school, target=saved or person,
                                 what="this record")
        else:
            return _to_person_page(request, person, f"{kind.label}: saved for {person.full_name}.")
    return render(request, "people/check_form.html", {
        "page_title": f"{kind.label} for {person.full_name}", "form": form, "person": person,
        "check_label": kind.label, "check_type": kind.value, "check": check, "stale": stale})


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def override_edit(request: SchoolRequest, public_id: UUID, check_type: str) -> HttpResponse:
    person, kind = _person(request, public_id), _check_type(check_type)
    override = CheckOverride.objects.filter(person=person, check_type=kind).first()
    initial = ({"required": "yes" if override.required else "no", "reason": override.reason,
                "version": override.version} if override else {"version": 0})
    clearing = request.method == "POST" and request.POST.get("action") == "clear"
    form = OverrideForm(None if clearing else posted(request), initial=initial)
    # Removing carries the exception's version too (a hidden field of its own form).
    confirm = VersionForm(request.POST if clearing else None)
    stale = False
    if request.method == "POST" and (confirm.is_valid() if clearing else form.is_valid()):
        try:
            if clearing:
                services.override_clear(person=person, actor=request.user, check_type=kind,
                                        version=confirm.cleaned_data["version"])
            else:
                services.override_set(person=person, actor=request.user, check_type=kind,
                                      **form.cleaned_data)
        except DomainError as exc:
            stale = refuse_stale(confirm if clearing else form, exc, school=request.school,
                                 target=override or person, what="this exception")
        else:
            return _to_person_page(request, person,
                                   f"{kind.label}: the exception for {person.full_name} is "
                                   f"{'removed' if clearing else 'saved'}.")
    return render(request, "people/override_form.html", {
        "page_title": f"Exception to the rules: {kind.label}", "form": form, "person": person,
        "check_label": kind.label, "override": override, "stale": stale,
        "confirm": confirm, "form_failed": request.method == "POST"})  # a success redirects


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def copy_upload(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    person = _person(request, public_id)
    check = Check.objects.filter(person=person, check_type=CheckType.ENHANCED_DBS).first()
    if check is None:
        messages.info(request, "Record the enhanced DBS check first, then upload its copy.")
        return redirect("people:check-edit", person.public_id, CheckType.ENHANCED_DBS.value)
    form = CopyUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.copy_upload(check=check, actor=request.user,
                                 uploaded_file=form.cleaned_data["file"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            return _to_person_page(request, person, "The copy of the DBS certificate is uploaded.")
    months = selectors.people_settings_or_default(request.school).certificate_copy_months
    return render(request, "people/copy_upload.html", {
        "page_title": "Upload a copy of the DBS certificate", "form": form, "person": person,
        "months": months})


def _copy(request: SchoolRequest, public_id: UUID) -> CertificateCopy:
    copy = selectors.copy_for_school(school=request.school, public_id=public_id)
    if copy.deleted_at is not None:
        raise Http404("Not found")
    return copy


@school_view("scr.sensitive.view")  # type: ignore[arg-type]  # a streamed file, not HttpResponse
@require_GET
def copy_download(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    copy = _copy(request, public_id)
    try:
        handle = services.copy_open(copy=copy, actor=request.user)
    except DomainError:
        raise Http404("Not found") from None
    # Named from the type its content was found to be on upload, never the uploader's.
    return download_response(handle, name=copy.original_name, content_type=copy.content_type,
                             fallback="certificate")


@school_view("people.manage")
@require_http_methods(["GET", "POST"])
def copy_delete(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    copy = _copy(request, public_id)
    person = copy.check_record.person
    form = CopyDeleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.copy_delete(copy=copy, actor=request.user,
                                 reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            return _to_person_page(request, person, "The copy of the DBS certificate is deleted.")
    return render(request, "people/copy_delete.html", {
        "page_title": "Delete the copy of the DBS certificate", "form": form, "copy": copy,
        "person": person})

