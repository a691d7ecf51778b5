"""The page of names matched on import, and removing one of them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.assets.aliases import selectors, services
from schoolkeep.assets.models import AssetAlias
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404

PER_PAGE = 50


@school_view("assets.manage")
@require_GET
def alias_list(request: SchoolRequest) -> HttpResponse:
    page = Paginator(selectors.aliases_of(request.school), PER_PAGE).get_page(
        request.GET.get("page"))
    saved = selectors.saved_by(request.school, page.object_list)
    rows = [(alias, alias.asset or alias.group, saved.get(str(alias.public_id)))
            for alias in page.object_list]
    return render(request, "assets/alias_list.html", {
        "page_title": "Names matched on import", "page": page, "rows": rows,
        "can_manage": True, "query": ""})


@school_view("assets.manage")
@require_POST
def alias_remove(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    alias = get_for_school_or_404(AssetAlias, school=request.school, public_id=public_id)
    services.alias_remove(school=request.school, actor=request.user, alias=alias)
    messages.success(request, f"“{alias.name}” is no longer matched. The next import with "
                              "this name will ask which asset or group it is.")
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() else ""
    return redirect(reverse("assets:alias-list") + suffix)
