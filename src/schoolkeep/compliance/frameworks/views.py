"""Pages of where the school stands against each framework.

- ``home``: every current framework with its score, its counts by state ("not yet assessed"
  apart), its trend over the year with a table of the same figures, and the controls not
  met with their owners;
- ``framework-detail``: every requirement of one framework as the school has it, with its
  state, the quoted wording, advice where the wording is out of date, the controls behind it
  and what is missing; the school's own wording marked; the forms that change it
  (``requirement-add``, ``-edit``, ``-withdraw``, ``-restore``) for ``compliance.manage``;
- ``trust``: every school the viewer may see by every framework, worst score first, from the
  latest snapshots, with a button to work one school out again now (``school-refresh``);
  each cell opens that school's framework page (``school-framework``: another school's is
  read without switching, as ``overview:school-of`` is, with a button that switches).

A school's own pages are worked out live (``state.engine``); only the trend and the trust's
grid read snapshots.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.compliance.frameworks import selectors, services
from schoolkeep.compliance.frameworks.forms import RequirementForm
from schoolkeep.compliance.state import engine, snapshots
from schoolkeep.compliance.state.charts import trend_svg
from schoolkeep.compliance.state.requirements import current_frameworks
from schoolkeep.compliance.state.types import FrameworkState
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

VIEW = "compliance.view"
MANAGE = "compliance.manage"
REFRESH = "compliance.refresh"
SCHOOLS_PER_PAGE = 50


def any_compliance(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in member who may see compliance in at least one of their schools (the
    current one need not grant it: each page checks the schools it shows)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "access", None) is None:
            return redirect("tenancy:no-school")
        if not _viewable(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_permission = VIEW  # type: ignore[attr-defined]
    return wrapped


def _viewable(request: HttpRequest) -> list[SchoolAccess]:
    return [access for access in getattr(request, "access_list", []) if access.can(VIEW)]


def _trend(school: Any, code: str, title: str) -> dict[str, Any]:
    """The chart of the score over the last year and its table, of the same scores: every
    one recorded, or the latest of each month when there are too many to list
    (``selectors.trend_rows``)."""
    rows, by_month = selectors.trend_rows(
        snapshots.trend(school, code, today=timezone.localdate()))
    heading = f"{title}: the score over the last year"
    if by_month:
        heading += ", the latest of each month"
    return {"chart": trend_svg([row.snapshot for row in rows], title=heading,
                               chart_id=f"trend-{code}"),
            "rows": rows, "by_month": by_month, "points": len(rows)}


def _framework_row(state: FrameworkState, school: Any) -> dict[str, Any]:
    framework = state.framework
    return {"state": state, "framework": framework,
            "trend": _trend(school, framework.code, framework.short_title or framework.title)}


@school_view(VIEW)
@require_GET
def home(request: SchoolRequest) -> HttpResponse:
    now = timezone.now()
    controls = engine.control_states(request.school, now=now, access=request.access,
                                     viewer_id=request.user.pk)
    states = engine.framework_states_from(request.school, current_frameworks(), controls)
    link = selectors.link_maker("compliance:control-detail")
    return render(request, "compliance/frameworks/home.html", {
        "page_title": "Where the school stands",
        "frameworks": [_framework_row(state, request.school) for state in states],
        "not_met": [{"cs": each, "url": link(each.control.public_id)}
                    for each in selectors.not_met_controls(controls)],
        "several": len(_viewable(request)) > 1})


def _framework_page(request: SchoolRequest, access: SchoolAccess, code: str) -> HttpResponse:
    """One framework for the school of ``access``: live, with links and the forms only when
    it is the current school (those pages act on the current school)."""
    school = access.school
    current = school.pk == request.school.pk
    state = engine.framework_state(school, code, now=timezone.now(),
                                   access=access if current else None,
                                   viewer_id=request.user.pk if current else None)
    if state is None:
        raise Http404("No such framework")
    can_manage = current and access.can(MANAGE)
    return render(request, "compliance/frameworks/framework.html", {
        "page_title": state.framework.title, "school": school, "is_current": current,
        "fs": state, "can_manage": can_manage,
        "sections": selectors.section_rows(state, current=current, can_manage=can_manage),
        "withdrawn": selectors.withdrawn(school, state.framework) if can_manage else [],
        "trend": _trend(school, code, state.framework.short_title or state.framework.title),
        "several": len(_viewable(request)) > 1})


@school_view(VIEW)
@require_GET
def framework_detail(request: SchoolRequest, code: str) -> HttpResponse:
    return _framework_page(request, request.access, code)


@any_compliance
@require_GET
def school_framework(request: SchoolRequest, slug: str, code: str) -> HttpResponse:
    access = next((a for a in request.access_list if a.school.slug == slug), None)
    if access is None:
        raise Http404("No such school")
    if not access.can(VIEW):
        raise PermissionDenied
    return _framework_page(request, access, code)


def _to_framework(request: SchoolRequest, code: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("compliance:framework-detail", code=code)


@school_view(MANAGE)
@require_http_methods(["GET", "POST"])
def requirement_add(request: SchoolRequest, code: str) -> HttpResponse:
    framework = selectors.framework_or_404(code)
    form = RequirementForm(posted(request),
                           controls=list(services.choosable_controls(request.school)))
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_add(school=request.school, actor=request.user,
                                     framework=framework, **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_framework(request, code, "The clause is added to the school's copy.")
    return render(request, "compliance/frameworks/requirement_form.html", {
        "page_title": f"Add a clause to {framework.short_title or framework.title}",
        "form": form, "framework": framework, "requirement": None})


@school_view(MANAGE)
@require_http_methods(["GET", "POST"])
def requirement_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    requirement = selectors.requirement_for_school_or_404(request.school, public_id)
    published = services.published_for(requirement)
    form = RequirementForm(posted(request), initial=RequirementForm.initial_for(requirement),
                           controls=list(services.choosable_controls(request.school)),
                           text_required=services.text_required(requirement, published))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_edit(school=request.school, actor=request.user,
                                      requirement=requirement,
                                      version=form.cleaned_data["version"] or 0,
                                      **form.service_fields())
        except DomainError as exc:  # a stale save names who saved first (the service's)
            stale = refuse_on_form(form, exc)
        else:
            return _to_framework(request, requirement.framework.code,
                                 f"\"{form.cleaned_data['title']}\" is saved in the "
                                 "school's words.")
    return render(request, "compliance/frameworks/requirement_form.html", {
        "page_title": f"Change \"{requirement.title}\"", "form": form, "stale": stale,
        "framework": requirement.framework, "requirement": requirement,
        "advice": published})


@school_view(MANAGE)
@require_POST
def requirement_withdraw(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    requirement = selectors.requirement_for_school_or_404(request.school, public_id)
    services.requirement_withdraw(school=request.school, actor=request.user,
                                  requirement=requirement)
    return _to_framework(request, requirement.framework.code,
                         f"\"{requirement.title}\" is withdrawn: the school's policy does not "
                         "have it. Put it back from the foot of the page.")


@school_view(MANAGE)
@require_POST
def requirement_restore(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    requirement = selectors.requirement_for_school_or_404(request.school, public_id)
    shown = services.requirement_restore(school=request.school, actor=request.user,
                                         requirement=requirement)
    added = requirement.school_id is not None and not requirement.replaces_code
    title = shown.title if shown is not None else requirement.title
    return _to_framework(request, requirement.framework.code,
                         f"\"{title}\" is back in the school's copy." if added
                         else f"\"{title}\" is back as published.")


@any_compliance
@require_GET
def trust(request: SchoolRequest) -> HttpResponse:
    accesses = _viewable(request)
    frameworks = current_frameworks()
    latest = snapshots.latest_for_schools([access.school.pk for access in accesses])
    rows = selectors.trust_rows(accesses, frameworks, latest,
                                current_school_id=request.school.pk)
    page = Paginator(rows, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "compliance/frameworks/trust.html", {
        "page_title": "All your schools against each framework",
        "frameworks": frameworks, "page": page, "rows": page.object_list,
        "any_missing": any(row.missing for row in rows)})


@any_compliance
@require_POST
def school_refresh(request: SchoolRequest, slug: str) -> HttpResponse:
    access = next((a for a in request.access_list if a.school.slug == slug), None)
    if access is None:
        raise Http404("No such school")
    if not access.can(REFRESH):
        raise PermissionDenied
    snapshots.snapshot_take(school=access.school, now=timezone.now(), actor=request.user)
    messages.success(request, f"{access.school.name} is worked out again: its figures below "
                              "are from now.")
    return redirect("compliance:trust")
