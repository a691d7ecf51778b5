"""Pages of the retention schedule: the schedule in force, a record type, adjusting a type,
adding the school's own, going back to the trust's or the starting period, recording the
yearly review, "due for destruction", and the trust's schedule for its administrator.

``retention.view`` reads, ``retention.manage`` (DPO, SIRO) writes; the trust's schedule is
read with ``trust.overview`` and changed with ``trust.rules.manage``. A record type that is
not in the school's schedule (another school's own) is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.privacy.schedule import pages, services
from schoolkeep.privacy.schedule.forms import RecordTypeForm, ReviewForm
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.privacy.schedule.selectors import effective_schedule, origin_of
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.models import Organisation

FORM = "privacy/schedule/type_form.html"


def _in_force_or_404(request: SchoolRequest, public_id: UUID) -> RecordType:
    for row in effective_schedule(request.school):
        if row.public_id == public_id:
            return row
    raise Http404("Not found")


@school_view("retention.view")
@require_GET
def schedule(request: SchoolRequest) -> HttpResponse:
    return render(request, "privacy/schedule/schedule.html", {
        "page_title": "Retention schedule", **pages.schedule_context(request.school),
        "can_manage": request.access.can("retention.manage"),
        "in_trust": request.school.organisation_id is not None,
        "can_see_trust": request.access.can("trust.overview")})


@school_view("retention.view")
@require_GET
def type_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record_type = _in_force_or_404(request, public_id)
    return render(request, "privacy/schedule/type_detail.html", {
        "page_title": record_type.name,
        **pages.type_context(request.school, record_type),
        "can_manage": request.access.can("retention.manage")})


@school_view("retention.manage")
@require_http_methods(["GET", "POST"])
def type_adjust(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record_type = _in_force_or_404(request, public_id)
    form = RecordTypeForm(posted(request), initial=RecordTypeForm.initial_for(record_type),
                          record_type=record_type)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_type_adjust(
                school=request.school, actor=request.user, record_type=record_type,
                version=form.cleaned_data["version"], **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Saved: {row.name} for {request.school.name}.")
            return redirect("retention:type-detail", row.public_id)
    return render(request, FORM, {
        "page_title": f"Change the period of {record_type.name}", "form": form,
        "record_type": record_type, "origin": origin_of(record_type), "adding": False})


@school_view("retention.manage")
@require_http_methods(["GET", "POST"])
def type_add(request: SchoolRequest) -> HttpResponse:
    form = RecordTypeForm(posted(request), initial={"action": "destroy", "event": "creation"})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_type_add(school=request.school, actor=request.user,
                                           **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Added to the schedule: {row.name}.")
            return redirect("retention:type-detail", row.public_id)
    return render(request, FORM, {"page_title": "Add a record type of the school's own",
                                  "form": form, "adding": True})


@school_view("retention.manage")
@require_POST
def type_reset(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record_type = _in_force_or_404(request, public_id)
    try:
        followed = services.record_type_reset(
            school=request.school, actor=request.user, record_type=record_type,
            version=_int(request.POST.get("version")))
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("retention:type-detail", record_type.public_id)
    messages.success(request, f"{followed.name}: the school follows "
                              f"{pages.ORIGIN_WORDS[origin_of(followed)]} again.")
    return redirect("retention:type-detail", followed.public_id)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@school_view("retention.manage")
@require_http_methods(["GET", "POST"])
def type_review(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record_type = _in_force_or_404(request, public_id)
    form = ReviewForm(posted(request), initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_type_review(school=request.school, actor=request.user,
                                        record_type=record_type, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Review recorded: {record_type.name}.")
            return redirect("retention:type-detail", record_type.public_id)
    return render(request, "privacy/schedule/review_form.html", {
        "page_title": f"Record the review of {record_type.name}", "form": form,
        "record_type": record_type})


@school_view("retention.view")
@require_GET
def due(request: SchoolRequest) -> HttpResponse:
    return render(request, "privacy/schedule/due.html", {
        "page_title": "Due for destruction", **pages.due_context(request),
        "can_record": request.access.can("destructions.record")})


# --- the trust's schedule ------------------------------------------------------------------


TrustView = Callable[..., HttpResponseBase]


def trust_view(permission: str) -> Callable[[TrustView], TrustView]:
    """The current school's trust, for who holds ``permission`` there: 404 when the school
    is in no trust, 403 for anyone else. The view gets the trust as its second argument."""

    def decorator(view: TrustView) -> TrustView:
        @school_view("school.view")
        @wraps(view)
        def wrapped(request: SchoolRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            organisation = request.school.organisation
            if organisation is None:
                raise Http404("This school is not part of a trust.")
            if not request.access.can(permission):
                raise PermissionDenied
            return view(request, organisation, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


@trust_view("trust.overview")
@require_GET
def trust_schedule(request: SchoolRequest, organisation: Organisation) -> HttpResponse:
    return render(request, "privacy/schedule/trust_schedule.html", {
        "page_title": f"Retention schedule of {organisation.name}", "organisation": organisation,
        "rows": pages.trust_rows(organisation),
        "can_manage_trust": request.access.can("trust.rules.manage")})


@trust_view("trust.rules.manage")
@require_http_methods(["GET", "POST"])
def trust_type_adjust(request: SchoolRequest, organisation: Organisation,
                      public_id: UUID) -> HttpResponse:
    record_type = pages.trust_row_or_404(organisation, public_id)
    form = RecordTypeForm(posted(request), initial=RecordTypeForm.initial_for(record_type),
                          record_type=record_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.trust_record_type_adjust(
                organisation=organisation, actor=request.user, record_type=record_type,
                version=form.cleaned_data["version"], **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Saved for {organisation.name}'s schools: "
                                      f"{record_type.name}.")
            return redirect("retention:trust-schedule")
    return render(request, FORM, {
        "page_title": f"Change the period of {record_type.name} for the trust", "form": form,
        "record_type": record_type, "origin": origin_of(record_type), "adding": False,
        "organisation": organisation})
