"""The Backups page: how Schoolkeep's own backups stand, for who sees the systems register."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from schoolkeep.backups import selectors
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest

RUNS_PER_PAGE = 50


@school_view("systems.view")
@require_GET
def backup_list(request: SchoolRequest) -> HttpResponse:
    page = Paginator(selectors.backup_run_list(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(run, selectors.run_reason(run.message))
            for run in page.object_list]
    return render(request, "backups/backup_list.html", {
        "page_title": "Backups", "page": page, "rows": rows,
        "summary": selectors.backup_summary(now=timezone.now())})
