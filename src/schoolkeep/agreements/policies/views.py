"""Pages of the policy register: the list, a policy and its versions, the forms that add and
change policies, add versions and import a document, and the governors' review."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.agreements.policies import selectors, services
from schoolkeep.agreements.policies.forms import (
    ApproveForm,
    ImportForm,
    PolicyForm,
    ReturnForm,
    VersionForm,
)
from schoolkeep.agreements.policies.imports import decode_policy_text, policy_import
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.selectors import get_for_school_or_404

POLICIES_PER_PAGE = 50


def _to_policy(request: SchoolRequest, policy: Policy, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("policies:policy-detail", policy.public_id)


def _version(request: SchoolRequest, public_id: UUID) -> PolicyVersion:
    return selectors.version_for_school(school=request.school, public_id=public_id)


def _owner_fields(request: SchoolRequest, form: PolicyForm) -> dict[str, Any]:
    """The form's fields for the service, the owner as the member's account."""
    data = {name: form.cleaned_data[name]
            for name in ("title", "kind", "review_cycle_months", "next_review")}
    key = form.cleaned_data.get("owner") or ""
    membership = (Membership.objects.select_related("user")
                  .filter(school=request.school, user__public_id=key).first() if key else None)
    data["owner"] = membership.user if membership is not None else None
    return data


@school_view("policies.view")
@require_GET
def policy_list(request: SchoolRequest) -> HttpResponse:
    page = Paginator(selectors.policy_list(school=request.school),
                     POLICIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.review_states(request.school, list(page.object_list),
                                   today=timezone.localdate())
    return render(request, "agreements/policy_list.html", {
        "page_title": "Policies", "page": page, "rows": rows, "query": "",
        "can_manage": request.access.can("policies.manage")})


@school_view("policies.view")
@require_GET
def policy_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    policy = selectors.policy_for_page(school=request.school, public_id=public_id)
    [(_, state)] = selectors.review_states(request.school, [policy], today=timezone.localdate())
    return render(request, "agreements/policy_detail.html", {
        "page_title": policy.title, "policy": policy, "state": state,
        "versions": list(policy.versions.all()),
        "can_manage": request.access.can("policies.manage"),
        "can_send": services.may_send_for_review(policy=policy, user=request.user),
        "can_approve": request.access.can("policies.approve"),
        **history_summary(school=request.school, target=policy, access=request.access)})


@school_view("policies.manage")
@require_http_methods(["GET", "POST"])
def policy_create(request: SchoolRequest) -> HttpResponse:
    form = PolicyForm(posted(request), owners=selectors.owner_choices(request.school))
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(school=request.school, actor=request.user,
                                            **_owner_fields(request, form))
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_policy(request, policy, f"{policy.title} is added to the register.")
    return render(request, "agreements/policy_form.html",
                  {"page_title": "Add a policy", "form": form, "policy": None})


@school_view("policies.manage")
@require_http_methods(["GET", "POST"])
def policy_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    policy = get_for_school_or_404(Policy.objects.select_related("owner"),
                                   school=request.school, public_id=public_id)
    form = PolicyForm(posted(request), initial=PolicyForm.initial_for(policy),
                      owners=selectors.owner_choices(request.school, policy.owner))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(policy=policy, actor=request.user,
                                   version=form.cleaned_data["version"] or 0,
                                   **_owner_fields(request, form))
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=policy,
                                 what="this policy")
        else:
            return _to_policy(request, policy, f"{policy.title}: the changes are saved.")
    return render(request, "agreements/policy_form.html", {
        "page_title": f"Change {policy.title}", "form": form, "policy": policy,
        "stale": stale})


@school_view("policies.manage")
@require_http_methods(["GET", "POST"])
def policy_import_upload(request: SchoolRequest) -> HttpResponse:
    form = ImportForm(posted(request), request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data["file"].read(services.FILE_MAX_BYTES + 1)
            if len(data) > services.FILE_MAX_BYTES:
                raise DomainError("The file must be smaller than 10 MB.", field="file")
            name = form.cleaned_data["file"].name
            result = policy_import(school=request.school, actor=request.user,
                                   text=decode_policy_text(data, name=name), filename=name,
                                   dry_run=form.cleaned_data["dry_run"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            for problem in result.problems:
                form.add_error("file", str(problem))
            if result.ok and not result.dry_run and result.policy is not None:
                for warning in result.warnings:
                    messages.warning(request, warning)
                return _to_policy(request, result.policy, result.summary())
    return render(request, "agreements/policy_import.html", {
        "page_title": "Import a policy document", "form": form, "result": result})


@school_view("policies.manage")
@require_http_methods(["GET", "POST"])
def version_create(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    policy = get_for_school_or_404(Policy, school=request.school, public_id=public_id)
    form = VersionForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_add(policy=policy, actor=request.user,
                                           text=form.cleaned_data["text"],
                                           uploaded_file=form.cleaned_data["file"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_policy(request, policy, f"Version {version.number} is added as a draft.")
    return render(request, "agreements/policy_version_form.html", {
        "page_title": f"Add a version of {policy.title}", "form": form, "policy": policy})


@school_view("policies.view")
@require_GET
def version_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    version = _version(request, public_id)
    policy = version.policy
    return render(request, "agreements/policy_version_detail.html", {
        "page_title": f"{policy.title}, version {version.number}", "version": version,
        "policy": policy,
        "can_send": services.may_send_for_review(policy=policy, user=request.user),
        "can_approve": request.access.can("policies.approve"),
        **history_summary(school=request.school, target=version, access=request.access)})


@school_view("policies.view")  # type: ignore[arg-type]  # a streamed file, not HttpResponse
@require_GET
def version_download(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    version = _version(request, public_id)
    try:
        handle = services.version_open_file(version=version, actor=request.user)
    except DomainError:
        raise Http404("Not found") from None
    # Named from the type its content was found to be on upload, never the uploader's.
    return download_response(handle, name=version.file_original_name,
                             content_type=version.file_content_type, fallback="policy")


@school_view("policies.view")
@require_POST
def version_send(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    version = _version(request, public_id)
    try:
        services.version_send_for_review(version=version, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policies:version-detail", version.public_id)
    return _to_policy(request, version.policy, f"Version {version.number} is sent to the "
                                               "governors for approval.")


def _waiting(request: SchoolRequest, version: PolicyVersion) -> HttpResponse | None:
    if version.status == PolicyVersion.Status.IN_REVIEW:
        return None
    messages.info(request, f"Version {version.number} is not waiting for approval.")
    return redirect("policies:version-detail", version.public_id)


@school_view("policies.approve")
@require_http_methods(["GET", "POST"])
def version_approve(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    version = _version(request, public_id)
    if (elsewhere := _waiting(request, version)) is not None:
        return elsewhere
    form = ApproveForm(posted(request))  # not filled in: typing the name is the signature
    if request.method == "POST" and form.is_valid():
        try:
            services.version_approve(version=version, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_policy(request, version.policy,
                              f"You approved version {version.number}.")
    return render(request, "agreements/policy_version_approve.html", {
        "page_title": f"Approve {version.policy.title}", "form": form, "version": version,
        "policy": version.policy})


@school_view("policies.approve")
@require_http_methods(["GET", "POST"])
def version_return(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    version = _version(request, public_id)
    if (elsewhere := _waiting(request, version)) is not None:
        return elsewhere
    form = ReturnForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_return(version=version, actor=request.user,
                                    comment=form.cleaned_data["comment"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_policy(request, version.policy,
                              f"Version {version.number} is sent back to its owner.")
    return render(request, "agreements/policy_version_return.html", {
        "page_title": f"Send back {version.policy.title}", "form": form, "version": version,
        "policy": version.policy})
