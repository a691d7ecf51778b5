"""Pages of the acceptable use policies: the overview and the member's own policy, one
audience's page with who has signed, the settings, drafting and publishing versions, signing
in the application, and each signature with its PDF."""

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

from schoolkeep.agreements.aups import selectors, services
from schoolkeep.agreements.aups.forms import (
    AupSettingsForm,
    DraftForm,
    PublishForm,
    SignerFilterForm,
    SignForm,
)
from schoolkeep.agreements.aups.markdown import render_markdown
from schoolkeep.agreements.aups.models import (
    AUDIENCE_HINTS,
    KIOSK_AUDIENCES,
    LISTED_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Signature,
    SigningMethod,
)
from schoolkeep.agreements.signing.services import shown_version_number
from schoolkeep.lib.downloads import PDF, download_response
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.request_id import client_ip
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PER_PAGE = 50


def _to_aup(request: SchoolRequest, aup: Aup, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("agreements:aup-detail", aup.public_id)


def _draft(aup: Aup) -> AupVersion | None:
    return AupVersion.objects.filter(aup=aup, published_at__isnull=True).first()


def _method_label(method: str | None) -> str:
    return SigningMethod(method).label if method in SigningMethod.values else ""


def _may_see(request: SchoolRequest, signature: Signature) -> None:
    if not (request.access.can("aups.records")
            or selectors.is_own_signature(signature, request.user)):
        raise PermissionDenied


@school_view("aups.view")
@require_GET
def aup_list(request: SchoolRequest) -> HttpResponse:
    records = request.access.can("aups.records")
    overview = selectors.aup_overview(school=request.school, today=timezone.localdate()) \
        if records else []
    mine = selectors.member_aup(school=request.school, user=request.user)
    audiences = {row.aup.audience for row in overview}
    return render(request, "agreements/aup_list.html", {
        "page_title": "Acceptable use", "overview": overview, "records": records, "mine": mine,
        "signatures": selectors.member_signatures(school=request.school, user=request.user,
                                                  person=mine.person),
        "can_manage": request.access.can("aups.manage"),
        "can_sign": request.access.can("aups.sign"),
        "can_add_pupils": bool(overview) and Audience.PUPILS not in audiences,
        "set_up_missing": records and not overview})


@school_view("aups.manage")
@require_POST
def aups_set_up(request: SchoolRequest) -> HttpResponse:
    try:
        services.aups_set_up(school=request.school, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, "The acceptable use policies are set up, each with a draft of "
                              "Schoolkeep's starting text. Edit each draft, then publish it.")
    return redirect("agreements:aup-list")


@school_view("aups.manage")
@require_POST
def aup_create(request: SchoolRequest) -> HttpResponse:
    try:
        aup = services.aup_create(school=request.school, actor=request.user,
                                  audience=request.POST.get("audience", ""))
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:aup-list")
    return _to_aup(request, aup, f"{aup.title} is added, with a draft of the starting text.")


@school_view("aups.records")
@require_GET
def aup_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = selectors.aup_for_page(school=request.school, public_id=public_id)
    today = timezone.localdate()
    filters = SignerFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    listed = aup.audience in LISTED_AUDIENCES
    rows = (selectors.signer_list(aup=aup, today=today, show=data.get("show", ""),
                                  search=data.get("q", "")) if listed
            else selectors.signature_log(aup=aup))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if listed:
        for signer in shown:
            signer.last_method_label = _method_label(signer.last_method)
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.signer_counts(aup=aup, today=today) if listed and aup.is_published \
        else None
    return render(request, "agreements/aup_detail.html", {
        "page_title": aup.title, "aup": aup, "hint": AUDIENCE_HINTS[Audience(aup.audience)],
        "versions": selectors.aup_versions(aup=aup), "listed": listed, "counts": counts,
        "kiosk_audience": aup.audience in KIOSK_AUDIENCES, "filters": filters, "page": page,
        "rows": shown,
        "query": query.urlencode(), "can_manage": request.access.can("aups.manage"),
        "can_kiosk": request.access.can("aups.kiosk")})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def aup_settings(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = selectors.aup_for_page(school=request.school, public_id=public_id)
    form = AupSettingsForm(posted(request), initial=AupSettingsForm.initial_for(aup))
    stale = False
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            services.aup_update(aup=aup, actor=request.user, title=fields["title"],
                                link_valid_days=fields["link_valid_days"],
                                version=fields["version"])
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=aup,
                                 what="this")
        else:
            return _to_aup(request, aup, "The settings are saved.")
    return render(request, "agreements/aup_settings.html", {
        "page_title": f"Settings of the {aup.title.lower()}", "aup": aup, "form": form,
        "stale": stale})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def draft_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = selectors.aup_for_page(school=request.school, public_id=public_id)
    draft = _draft(aup)
    start = draft or selectors.current_version(aup)
    initial = {"text": start.text if start else "",
               "version": draft.version if draft else None,
               "summary_of_changes": draft.summary_of_changes if draft else ""}
    form = DraftForm(posted(request), initial=initial)
    preview, stale = None, False
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(fields["text"])
        else:
            # No version means "there was no draft when I opened the page": when there is
            # one now (started by someone else meanwhile, or the field left out), compare
            # with 0 so that it is refused as stale, never overwritten silently.
            version = fields["version"]
            if version is None and draft is not None:
                version = 0
            try:
                saved = services.draft_save(aup=aup, actor=request.user, text=fields["text"],
                                            summary_of_changes=fields["summary_of_changes"],
                                            version=version)
            except DomainError as exc:
                stale = refuse_stale(form, exc, school=request.school,
                                     target=_draft(aup) or draft or aup, what="this")
            else:
                return _to_aup(request, aup, f"Draft version {saved.number} is saved.")
    return render(request, "agreements/aup_draft.html", {
        "page_title": f"Edit the draft of the {aup.title.lower()}", "aup": aup,
        "draft": draft, "form": form, "preview": preview, "stale": stale})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def version_publish(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    version = selectors.version_for_page(school=request.school, public_id=public_id)
    aup = version.aup
    if not version.is_draft:
        messages.info(request, f"Version {version.number} is already published.")
        return redirect("agreements:version-detail", version.public_id)
    form = PublishForm(posted(request), initial={"version": version.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(draft=version, actor=request.user,
                                     requires_everyone_to_sign=form.requires_everyone_to_sign(),
                                     version=form.cleaned_data["version"])
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=version,
                                 what="this draft",
                                 field_for_error={"requires_everyone_to_sign": "who_signs"})
        else:
            return _to_aup(request, aup, f"Version {version.number} is published.")
    return render(request, "agreements/aup_publish.html", {
        "page_title": f"Publish version {version.number} of the {aup.title.lower()}",
        "aup": aup, "version": version, "form": form, "first": not aup.is_published,
        "text": render_markdown(version.text), "stale": stale})


@school_view("aups.records")
@require_GET
def version_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    version = selectors.version_for_page(school=request.school, public_id=public_id)
    return render(request, "agreements/aup_version.html", {
        "page_title": f"{version.aup.title}, version {version.number}", "aup": version.aup,
        "version": version, "text": render_markdown(version.text),
        "is_current": version.number == version.aup.current_number,
        "can_manage": request.access.can("aups.manage")})


@school_view("aups.sign")
@require_http_methods(["GET", "POST"])
def aup_sign(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = selectors.aup_for_page(school=request.school, public_id=public_id)
    mine = selectors.member_aup(school=request.school, user=request.user)
    version = selectors.current_version(aup)
    if mine.audience != aup.audience or version is None:
        messages.error(request, "This acceptable use policy is not the one for you."
                       if version else "This acceptable use policy has not been published yet.")
        return redirect("agreements:aup-list")
    form = SignForm(posted(request))  # the member types their name: that is the signature
    if request.method == "POST" and form.is_valid():
        try:
            signature = services.aup_sign_in_app(
                aup=aup, user=request.user, typed_name=form.cleaned_data["typed_name"],
                agreed=form.cleaned_data["agreed"], ip_address=client_ip(request),
                shown_number=shown_version_number(request.POST))
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Thank you. You have signed the {aup.title.lower()}.")
            return redirect("agreements:signature-detail", signature.public_id)
    return render(request, "agreements/aup_sign.html", {
        "page_title": f"Read and sign the {aup.title.lower()}", "aup": aup, "version": version,
        "text": render_markdown(version.text, page_title=aup.title), "form": form,
        "up_to_date": mine.up_to_date})


@school_view("aups.view")
@require_GET
def signature_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    signature = selectors.signature_for_page(school=request.school, public_id=public_id)
    _may_see(request, signature)
    context: dict[str, Any] = {
        "page_title": f"Signature of the {signature.aup.title.lower()}",
        "signature": signature, "aup": signature.aup, "version": signature.aup_version,
        "signer": selectors.signer_label(signature),
        "text": render_markdown(signature.aup_version.text),
        "records": request.access.can("aups.records")}
    return render(request, "agreements/signature_detail.html", context)


@school_view("aups.view")
@require_GET
def signature_pdf(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    signature = selectors.signature_for_page(school=request.school, public_id=public_id)
    _may_see(request, signature)
    content = services.signature_pdf(signature=signature, actor=request.user)
    name = f"aup-{signature.aup.audience}-signature-{signature.signed_at:%Y-%m-%d}"
    return download_response(content, name=name, content_type=PDF)
