"""Pages of the information asset register: the register, an asset's page and its forms,
Appendix 1 (page, DOCX, CSV), the full register's export, the record of processing
activities, the register's settings and the access labels. A large register's downloads are
made in the background (``export_jobs``).

Every member reads; the SIRO, the DPO and the data administrator change anything; an asset's
owner changes their own asset (``selectors.may_edit``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets import export_jobs, exports, selectors, services
from schoolkeep.assets.forms import (
    FIELD_FOR_ERROR,
    ArchiveForm,
    AssetFilterForm,
    AssetForm,
    AssetSettingsForm,
    LabelForm,
)
from schoolkeep.assets.models import Asset, AssetGroup, Classification
from schoolkeep.assets.register_views import register_views
from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.people.selectors import person_for_user
from schoolkeep.privacy.schedule.selectors import effective_schedule
from schoolkeep.privacy.suppliers.selectors import processors_for_record
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import members_with_roles
from schoolkeep.transfers.log.selectors import asset_recipients

ASSETS_PER_PAGE = 50


def _query_without_page(request: SchoolRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    return download_response(content, name=name, content_type=content_type)


def _fail(form: Any, error: DomainError) -> bool:
    return refuse_on_form(form, error, FIELD_FOR_ERROR)


def _asset_form(request: SchoolRequest, *, asset: Asset | None, manager: bool,
                initial: dict[str, Any]) -> AssetForm:
    school = request.school
    return AssetForm(posted(request), initial=initial, asset=asset, manager=manager,
                     groups=selectors.groups_for(school), people=selectors.people_for(school),
                     organisations=selectors.organisations_for(school),
                     systems=selectors.systems_for(school),
                     record_types=effective_schedule(school, include_own=False))


def _save_from_form(request: SchoolRequest, form: AssetForm, asset: Asset | None) -> Asset:
    """Make the group and outside organisation the form names, then create or update the
    asset; all in one transaction, so a refusal leaves nothing behind."""
    school, user = request.school, request.user
    with transaction.atomic():
        fields = form.service_fields(asset)
        group: AssetGroup | None = form.chosen_group()
        if form.cleaned_data.get("new_group"):
            group = services.group_get_or_create(school=school, actor=user,
                                                 name=form.cleaned_data["new_group"])
        if form.cleaned_data.get("new_organisation"):
            fields["owner_organisation"] = services.organisation_get_or_create(
                school=school, actor=user, name=form.cleaned_data["new_organisation"])
            fields["owner_person"] = fields["owner_unmatched"] = None
        name = form.cleaned_data["name"]
        if asset is None:
            assert group is not None  # the form requires a group or a new one
            return services.asset_create(school=school, actor=user, group=group, name=name,
                                         **fields)
        return services.asset_update(asset=asset, actor=user, group=group, name=name,
                                     version=form.cleaned_data["version"] or 0, **fields)


# ---------------------------------------------------------------------------- the register


@school_view("assets.view")
@require_GET
def asset_list(request: SchoolRequest) -> HttpResponse:
    school = request.school
    people, organisations = selectors.owner_choices(school)
    filters = AssetFilterForm(request.GET or None, groups=selectors.group_choices(school),
                              people=people, organisations=organisations,
                              systems=selectors.system_choices(school))
    assets = selectors.asset_list(school=school, **filters.selector_filters())
    page, rows = selectors.register_page(assets, request.GET.get("page"), ASSETS_PER_PAGE)
    own = person_for_user(school=school, user=request.user)
    return render(request, "assets/asset_list.html", {
        "page_title": "Information asset register", "filters": filters, "page": page,
        "rows": rows, "rows_markup": selectors.register_rows_markup(rows),
        "query": _query_without_page(request), "can_manage": request.access.can("assets.manage"),
        "own_filter": f"owner=person:{own.public_id}"
        if own and any(p.pk == own.pk for p in people) else "",
    })


@school_view("assets.view")
@require_GET
def asset_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    asset = selectors.asset_for_page(school=request.school, public_id=public_id)
    return render(request, "assets/asset_detail.html", {
        "page_title": asset.name, "asset": asset,
        "labels": list(asset.access_labels.all()), "systems": list(asset.systems.all()),
        "can_edit": asset.archived_at is None and selectors.may_edit(
            request.access, asset, request.user),
        "can_manage": request.access.can("assets.manage"),
        "is_own": asset.owner_person is not None
        and asset.owner_person.user_id == request.user.pk,
        "link_systems": request.access.can("systems.view"),
        "subjects": exports.subjects_text(asset),
        "sent_to": asset_recipients(asset=asset),
        **register_views(request, asset),
        **history_summary(school=request.school, target=asset, access=request.access),
    })


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def asset_create(request: SchoolRequest) -> HttpResponse:
    initial = {"classification": Classification.UNCLASSIFIED,
               "group": request.GET.get("group", "")}
    form = _asset_form(request, asset=None, manager=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            asset = _save_from_form(request, form, None)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"“{asset.name}” is added to the register.")
            return redirect("assets:asset-detail", asset.public_id)
    return render(request, "assets/asset_form.html",
                  {"page_title": "Add an information asset", "form": form, "asset": None})


@school_view("assets.view")
@require_http_methods(["GET", "POST"])
def asset_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    asset = selectors.asset_for_page(school=request.school, public_id=public_id)
    if not selectors.may_edit(request.access, asset, request.user):
        raise PermissionDenied
    if asset.archived_at is not None:
        raise Http404("Not found")
    manager = request.access.can("assets.manage")
    initial = AssetForm.initial_for(asset, list(asset.access_labels.all()),
                                    services.current_record_types(asset))
    form = _asset_form(request, asset=asset, manager=manager, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            _save_from_form(request, form, asset)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=asset,
                                 what="this asset", field_for_error=FIELD_FOR_ERROR)
        else:
            messages.success(request, f"The changes to “{asset.name}” are saved.")
            return redirect("assets:asset-detail", asset.public_id)
    return render(request, "assets/asset_form.html", {
        "page_title": f"Change “{asset.name}”", "form": form, "asset": asset, "stale": stale,
        "manager": manager})


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def asset_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    asset = selectors.asset_for_page(school=request.school, public_id=public_id)
    form = ArchiveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_archive(asset=asset, actor=request.user)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"“{asset.name}” is archived. Its history is kept.")
            return redirect("assets:asset-list")
    return render(request, "assets/asset_archive.html", {
        "page_title": f"Archive “{asset.name}”", "form": form, "asset": asset})


# ---------------------------------------------------------------------------- Appendix 1


@school_view("assets.view")
@require_GET
def appendix(request: SchoolRequest) -> HttpResponse:
    """Appendix 1 a page of 50 assets at a time; the downloads below hold all of it."""
    page, groups = selectors.appendix_page(request.school, request.GET.get("page"),
                                           ASSETS_PER_PAGE)
    return render(request, "assets/appendix.html", {
        "page_title": exports.APPENDIX_TITLE, "groups": groups, "page": page,
        "query": _query_without_page(request),
        "headings": exports.APPENDIX_HEADINGS, "can_manage": request.access.can("assets.manage"),
    })


def _download_or_offer(request: SchoolRequest, code: str) -> HttpResponse:
    """A small register's file at once; for a large one, a page whose button starts a job
    that makes it (a link never starts work)."""
    rows = export_jobs.register_size(request.school)
    if export_jobs.in_background(rows):
        return render(request, "assets/export_start.html", {
            "page_title": export_jobs.export_for(code).title, "code": code, "rows": rows})
    made = export_jobs.export_now(school=request.school, actor=request.user, code=code,
                                  rows=rows)
    return _download(made.content, made.content_type, made.filename)


@school_view("assets.view")
@require_GET
def appendix_docx(request: SchoolRequest) -> HttpResponse:
    return _download_or_offer(request, "appendix-docx")


@school_view("assets.view")
@require_GET
def appendix_csv(request: SchoolRequest) -> HttpResponse:
    return _download_or_offer(request, "appendix-csv")


@school_view("assets.view")
@require_GET
def register_export(request: SchoolRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404("Not found")
    return _download_or_offer(request, f"register-{fmt}")


@school_view("assets.view")
@require_POST
def export_start(request: SchoolRequest, code: str) -> HttpResponse:
    """Start the job that makes one of the register's downloads; its page shows progress."""
    if code not in export_jobs.EXPORTS:
        raise Http404("Not found")
    job = export_jobs.export_start(school=request.school, actor=request.user, code=code)
    return redirect("jobs:job-detail", job.public_id)


# ---------------------------------------------------------------------------- Article 30


@school_view("assets.view")
@require_GET
def processing_record(request: SchoolRequest) -> HttpResponse:
    settings = selectors.asset_settings_or_default(request.school)
    assets = exports.with_register_views(selectors.asset_list(school=request.school))
    page = Paginator(assets, ASSETS_PER_PAGE).get_page(request.GET.get("page"))
    head = exports.processing_head(request.school, settings, timezone.localdate())
    return render(request, "assets/processing_record.html", {
        "page_title": "Record of processing activities", "settings": settings,
        "head": head[2:5], "page": page, "query": _query_without_page(request),
        "rows": [(asset, [(c.heading, c.value(asset)) for c in exports.PROCESSING_COLUMNS[1:]])
                 for asset in page.object_list],
        "can_manage": request.access.can("assets.manage"),
        "processors": [[column.value(processor) for column in exports.PROCESSOR_COLUMNS]
                       for processor in processors_for_record(request.school)],
        "processor_headings": [column.heading for column in exports.PROCESSOR_COLUMNS],
    })


@school_view("assets.view")
@require_GET
def processing_record_xlsx(request: SchoolRequest) -> HttpResponse:
    return _download_or_offer(request, "processing-record-xlsx")


# ---------------------------------------------------------------------------- settings, labels


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def asset_settings(request: SchoolRequest) -> HttpResponse:
    current = selectors.asset_settings_or_default(request.school)
    form = AssetSettingsForm(posted(request), initial=AssetSettingsForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.asset_settings_update(school=request.school, actor=request.user,
                                           version=version, **data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "The register's settings are saved.")
            return redirect("assets:settings")
    return render(request, "assets/settings.html",
                  {"page_title": "Settings of the register", "form": form})


@school_view("assets.view")
@require_GET
def label_list(request: SchoolRequest) -> HttpResponse:
    return render(request, "assets/label_list.html", {
        "page_title": "Who has access to enter information",
        "labels": selectors.label_list(request.school),
        "can_manage": request.access.can("assets.manage"),
    })


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def label_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    label = selectors.label_for_page(school=request.school, public_id=public_id)
    initial = {"label_text": label.label, "version": label.version,
               "members": [str(m.public_id) for m in label.members.all()]}
    form = LabelForm(posted(request), initial=initial,
                     memberships=list(members_with_roles(request.school)))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.label_update(label=label, actor=request.user,
                                  label_text=form.cleaned_data["label_text"],
                                  members=form.chosen_members(),
                                  version=form.cleaned_data["version"])
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=label,
                                 what="this label")
        else:
            messages.success(request, f"The label “{form.cleaned_data['label_text']}” is saved.")
            return redirect("assets:label-list")
    return render(request, "assets/label_form.html", {
        "page_title": f"Change the label “{label.label}”", "form": form, "label": label,
        "stale": stale})
