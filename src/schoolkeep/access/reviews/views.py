"""Pages of the access reviews: the list of assets and their review this term, and one
asset's review (who may enter its information, who administers its systems, two answers)."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.access.models import AccessReview
from schoolkeep.access.reviews import selectors, services
from schoolkeep.access.reviews.forms import ReviewForm, ShowForm
from schoolkeep.access.reviews.terms import review_terms
from schoolkeep.assets.models import Asset
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

ASSETS_PER_PAGE = 50


def _refused(request: SchoolRequest) -> HttpResponse:
    return render(request, "error.html", {"title": "You cannot review this asset",
                                          "message": services.REFUSAL}, status=403)


@school_view("access.review")
@require_GET
def review_list(request: SchoolRequest) -> HttpResponse:
    can_see_all = request.access.can("access.view")
    form = ShowForm(request.GET or None)
    show = form.cleaned_data["show"] if form.is_valid() and form.cleaned_data["show"] else (
        "all" if can_see_all else "mine")
    if not can_see_all:
        show = "mine"
    terms = review_terms([request.school.pk], timezone.localdate())[request.school.pk]
    assets = selectors.review_list(school_id=request.school.pk, terms=terms,
                                   owner_user=request.user if show == "mine" else None)
    page = Paginator(assets, ASSETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "access/reviews/review_list.html", {
        "page_title": "Access reviews", "page": page, "terms": terms, "show": show,
        "can_see_all": can_see_all, "query": urlencode({"show": show})})


@school_view("access.review")
@require_http_methods(["GET", "POST"])
def review_asset(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    asset = get_for_school_or_404(Asset.objects.select_related("owner_person"),
                                  school=request.school, public_id=public_id,
                                  archived_at__isnull=True)
    may_review = services.may_review(school=request.school, asset=asset, user=request.user)
    if not may_review and (request.method == "POST" or not request.access.can("access.view")):
        return _refused(request)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.access_review_record(school=request.school, asset=asset,
                                          actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"The access review of {asset.name} is recorded.")
            return redirect("access:review-list")
    terms = review_terms([request.school.pk], timezone.localdate())[request.school.pk]
    return render(request, "access/reviews/review_asset.html", {
        "page_title": f"Access review: {asset.name}", "asset": asset, "form": form,
        "terms": terms, "may_review": may_review, "Outcome": AccessReview.Outcome,
        **selectors.review_page(school_id=request.school.pk, asset=asset)})
