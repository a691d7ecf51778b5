"""Pages of controls: the list (every control with its state, kind, owner and when it is next
to be confirmed, filtered by state and kind), a control's page (what it is, its state and
why, its figures, the requirements it evidences, its confirmations with their evidence), the
forms that add and change a control, confirm one or archive one of the school's own, and the
download of a confirmation's evidence."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.compliance.controls import selectors, services
from schoolkeep.compliance.controls.forms import AttestForm, BuiltinForm, ControlForm, FilterForm
from schoolkeep.compliance.models import Control
from schoolkeep.compliance.state.engine import control_states
from schoolkeep.compliance.state.selectors import control_for_school_or_404, setting_of
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.privacy.destruction.selectors import EVIDENCE_CONTROLS, LogSummary, log_summary
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.roles import role_label

PER_PAGE = 50
ATTESTATIONS_PER_PAGE = 20


def _query_without_page(request: SchoolRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _to_control(request: SchoolRequest, control: Control, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("compliance:control-detail", public_id=control.public_id)


@school_view("compliance.view")
@require_GET
def control_list(request: SchoolRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.control_rows(request.school, now=timezone.now(), access=request.access,
                                  viewer_id=request.user.pk,
                                  state=data.get("state", ""), kind=data.get("kind", ""))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "compliance/controls/list.html", {
        "page_title": "Controls", "filters": filters, "page": page,
        "rows": [(row, selectors.may_attest_row(row, request.access, request.user))
                 for row in page.object_list],
        "query": _query_without_page(request), "today": timezone.localdate(),
        "can_manage": request.access.can("compliance.manage")})


@school_view("compliance.view")
@require_GET
def control_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    control = control_for_school_or_404(request.school, public_id, archived=True)
    state = (control_states(request.school, now=timezone.now(), access=request.access,
                            viewer_id=request.user.pk)
             .get(control.pk) if control.archived_at is None else None)
    attestations = Paginator(selectors.attestations_of(request.school, control),
                             ATTESTATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "compliance/controls/detail.html", {
        "page_title": control.title, "control": control, "state": state,
        "evidenced": selectors.evidenced_requirements(request.school, control),
        "attestations": attestations, "today": timezone.localdate(),
        "may_attest": state is not None and selectors.may_attest_row(
            state, request.access, request.user),
        "can_manage": request.access.can("compliance.manage"),
        "destruction_log": _destruction_log(request, control)})


def _destruction_log(request: SchoolRequest, control: Control) -> LogSummary | None:
    """The destruction log as evidence of the controls about destroying records and drives
    (for a member who may read the log)."""
    if (control.code not in EVIDENCE_CONTROLS
            or not request.access.can("retention.view")):
        return None
    return log_summary(request.school, today=timezone.localdate())


@school_view("compliance.manage")
@require_http_methods(["GET", "POST"])
def control_add(request: SchoolRequest) -> HttpResponse:
    form = ControlForm(posted(request), members=selectors.owner_choices(request.school),
                       role_words="the SIRO owns it")
    if request.method == "POST" and form.is_valid():
        try:
            control = services.control_create(school=request.school, actor=request.user,
                                              **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_control(request, control, f"“{control.title}” is added. It is not yet "
                                                  "assessed until someone confirms it.")
    return render(request, "compliance/controls/form.html", {
        "page_title": "Add a control", "form": form, "control": None})


def _edit_form(request: SchoolRequest, control: Control) -> BuiltinForm | ControlForm:
    setting = setting_of(control)
    owner_id = setting.owner_id if setting else None
    version = services.current_version(request.school, control)
    members = selectors.owner_choices(request.school)
    role_words = f"the {role_label(control.owner_role)} owns it"
    if control.school_id is None:
        return BuiltinForm(posted(request), members=members, role_words=role_words,
                           control=control,
                           initial=BuiltinForm.initial_for(setting, owner_id=owner_id,
                                                           version=version))
    return ControlForm(posted(request), members=members, role_words=role_words,
                       initial=ControlForm.initial_for(control, owner_id=owner_id,
                                                       version=version))


@school_view("compliance.manage")
@require_http_methods(["GET", "POST"])
def control_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    control = control_for_school_or_404(request.school, public_id)
    form = _edit_form(request, control)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.control_update(
                school=request.school, actor=request.user, control=control,
                version=form.cleaned_data["version"] or 0, **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=control,
                                 what=f"“{control.title}”")
        else:
            return _to_control(request, saved, f"“{saved.title}” is saved.")
    return render(request, "compliance/controls/form.html", {
        "page_title": f"Change “{control.title}”", "form": form, "control": control,
        "stale": stale})


@school_view("compliance.attest")
@require_http_methods(["GET", "POST"])
def control_attest(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    control = control_for_school_or_404(request.school, public_id)
    if control.kind != Control.Kind.ATTESTED:
        raise Http404("Only attested controls are confirmed")
    if not services.may_attest(school=request.school, actor=request.user, control=control):
        raise PermissionDenied
    form = AttestForm(posted(request), request.FILES or None,
                      initial={"attested_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.control_attest(
                school=request.school, actor=request.user, control=control,
                attested_on=data["attested_on"], outcome=data["outcome"], note=data["note"],
                uploaded_file=data.get("evidence"))
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _after_attest(request, control, data["outcome"])
    return render(request, "compliance/controls/attest.html", {
        "page_title": f"Confirm “{control.title}”", "form": form, "control": control,
        "can_view": request.access.can("compliance.view")})


def _after_attest(request: SchoolRequest, control: Control, outcome: str) -> HttpResponse:
    message = (f"“{control.title}” is confirmed." if outcome == "done" else
               f"“{control.title}” is recorded as not done: it shows as not met until "
               "someone confirms it was put right.")
    if request.access.can("compliance.view"):
        return _to_control(request, control, message)
    messages.success(request, message)  # an owner who cannot read the compliance pages
    return redirect("duties:dashboard")


@school_view("compliance.manage")
@require_http_methods(["GET", "POST"])
def control_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """GET: a page with one button; POST: archive one of the school's own controls."""
    control = control_for_school_or_404(request.school, public_id)
    if control.school_id is None:
        raise Http404("Built-in controls are not archived")
    if request.method == "POST":
        services.control_archive(school=request.school, actor=request.user, control=control)
        messages.success(request, f"“{control.title}” is archived.")
        return redirect("compliance:control-list")
    return render(request, "compliance/controls/archive.html", {
        "page_title": f"Archive “{control.title}”", "control": control})


@school_view("compliance.view")  # type: ignore[arg-type]  # a streamed file
@require_GET
def attestation_evidence(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    attestation = selectors.attestation_for_school_or_404(request.school, public_id)
    try:
        handle = services.evidence_open(attestation=attestation, actor=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return download_response(handle, name=attestation.evidence_original_name or "evidence",
                             content_type=services.evidence_content_type(attestation),
                             fallback="evidence")
