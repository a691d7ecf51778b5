"""The overview pages for those who check rather than do.

- ``overview:school`` (``/overview/``): the current school, area by area;
- ``overview:school-of`` (``/overview/schools/<slug>/``): one of the viewer's schools by
  its slug, whatever the current school. Reading it changes nothing (no switch on GET); a
  school outside the viewer's access list is not found, one where they may not see the
  overview is refused. Links to the detailed pages appear only for the current school
  (those pages show the current school), with a button that switches (a POST);
- ``overview:schools`` (``/overview/schools/``): every school whose overview the viewer
  may see, one row each by name, 50 a page, each cell a link to that school's overview.

Figures only, never records or names (``overview.selectors``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from schoolkeep.duties.types import HORIZON
from schoolkeep.lib.links import url_for_each
from schoolkeep.overview import charts, registry
from schoolkeep.overview.selectors import (
    PERMISSION,
    AreaFigures,
    SchoolOverview,
    overview_accesses,
    overviews,
)
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.decorators import school_view

SCHOOLS_PER_PAGE = 50  # a large trust's schools, a page at a time (each page's figures asked once)


def any_overview(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in member who may see the overview of at least one of their schools (the
    current one need not grant it: each page checks the schools it shows)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "access", None) is None:
            return redirect("tenancy:no-school")
        if not overview_accesses(request.access_list):  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_permission = PERMISSION  # type: ignore[attr-defined]
    return wrapped


@school_view(PERMISSION)
@require_GET
def school(request: HttpRequest) -> HttpResponse:
    return _school_page(request, request.access)  # type: ignore[attr-defined]


@any_overview
@require_GET
def school_of(request: HttpRequest, slug: str) -> HttpResponse:
    access = next((a for a in request.access_list  # type: ignore[attr-defined]
                   if a.school.slug == slug), None)
    if access is None:
        raise Http404("No such school")
    if not access.can(PERMISSION):
        raise PermissionDenied
    return _school_page(request, access)


@any_overview
@require_GET
def schools(request: HttpRequest) -> HttpResponse:
    accesses = sorted(overview_accesses(request.access_list),  # type: ignore[attr-defined]
                      key=lambda access: (access.school.name.casefold(), access.school.pk))
    page = Paginator(accesses, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    found = overviews(list(page.object_list), timezone.now())
    areas = [area for area in registry.areas()
             if any(school.area(area.key) for school in found)]
    school_url = url_for_each("overview:school-of")  # one reverse for the page's rows
    return render(request, "overview/schools.html", {
        "page_title": "Your schools at a glance",
        "areas": areas,
        "rows": [_school_row(school, areas, school_url) for school in found],
        "hidden": _hidden_note(found, "hidden"),
        "hidden_duties": _hidden_note(found, "hidden_duties"),
        "horizon_days": HORIZON.days,
        "page": page,
    })


def _school_page(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    [found] = overviews([access], timezone.now())
    current = access.school.pk == request.school.pk  # type: ignore[attr-defined]
    return render(request, "overview/school.html", {
        "page_title": f"How {access.school.name} keeps its policy",
        "school": access.school,
        "overview": found,
        "areas": [_area(area, access, current=current) for area in found.areas],
        "is_current": current,
        "several": len(overview_accesses(request.access_list)) > 1,  # type: ignore[attr-defined]
        "horizon_days": HORIZON.days,
    })


def _area(area: AreaFigures, access: SchoolAccess, *, current: bool) -> dict[str, Any]:
    """An area as shown: its chart, and a row per measure with a link to the detail when
    the viewer may open it in the current school."""
    rows = []
    for figure in area.figures:
        spec = figure.spec
        link = current and spec.url_name and access.can(spec.permission)
        rows.append({"figure": figure, "words": charts.figure_words(figure),
                     "url": reverse(spec.url_name) if link else ""})
    return {"area": area, "rows": rows,
            "chart": charts.area_chart(area, chart_id=f"chart-{area.area.key}")}


def _school_row(school: SchoolOverview, areas: list[Any],
                school_url: Callable[[Any], str]) -> dict[str, Any]:
    url = school_url(school.school.slug)
    cells: list[dict[str, Any] | None] = []
    for area in areas:
        found = school.area(area.key)
        if found is None:
            cells.append(None)
            continue
        cells.append({"area": found, "bar": charts.mini_bar(found.met, found.total, found.rag)})
    return {"overview": school, "url": url, "cells": cells}


def _hidden_note(found: list[SchoolOverview], attribute: str) -> list[dict[str, Any]]:
    """Each label left out, with the schools it is left out of."""
    notes: dict[str, list[str]] = {}
    for school in found:
        for label in getattr(school, attribute):
            notes.setdefault(label, []).append(school.school.name)
    return [{"label": label, "schools": names, "everywhere": len(names) == len(found)}
            for label, names in notes.items()]
