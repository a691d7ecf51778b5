"""The page where the owners of the assets that need one are chosen together."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.assets.owners import selectors
from schoolkeep.assets.owners.forms import LIST_ID, ChooseOwnersForm
from schoolkeep.assets.owners.services import OwnerChoice, asset_owners_choose
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404

PER_PAGE = 50


def _posted_assets(request: SchoolRequest) -> list[Asset]:
    """The assets the posted form was shown for (at most a page of them), as they are now,
    in the register's order."""
    ids: list[UUID] = []
    for key in request.POST:
        if key.startswith("version-") and len(ids) < PER_PAGE:
            try:
                ids.append(UUID(key.removeprefix("version-")))
            except ValueError:
                continue  # not an id: not one of the page's assets
    return list(Asset.objects.filter(school=request.school, archived_at__isnull=True,
                                     public_id__in=ids)
                .select_related("group", "owner_person")
                .order_by("group__position", "group__name_key", "name_key", "pk"))


@school_view("assets.manage")
@require_http_methods(["GET", "POST"])
def choose_owners(request: SchoolRequest) -> HttpResponse:
    school, today = request.school, timezone.localdate()
    group_id = request.GET.get("group", "")
    group = get_for_school_or_404(AssetGroup, school=school, public_id=group_id) \
        if group_id else None
    options = selectors.owner_options(school, today=today)
    if request.method == "POST":
        form = ChooseOwnersForm(request.POST, assets=_posted_assets(request), options=options)
        if form.is_valid():
            outcome = asset_owners_choose(school=school, actor=request.user, choices=[
                OwnerChoice(asset.pk, version, owner.person, owner.organisation)
                for asset, version, owner in form.chosen()])
            if outcome.saved:
                count = len(outcome.saved)
                messages.success(request, f"Owners saved for {count} "
                                          f"asset{'s' if count != 1 else ''}.")
            for text in outcome.stale:
                messages.warning(request, text)
            return redirect(request.get_full_path())
        page = None
    else:
        page = Paginator(selectors.needing_owners(school, today=today, group=group),
                         PER_PAGE).get_page(request.GET.get("page"))
        form = ChooseOwnersForm(assets=list(page.object_list), options=options)
    return render(request, "assets/choose_owners.html", {
        "page_title": "Choose owners for information assets", "form": form, "page": page,
        "group": group, "options": options, "list_id": LIST_ID,
        "query": f"group={group.public_id}" if group else ""})
