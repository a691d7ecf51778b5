"""The access reviews' measure, for the overview (area "access"):

- ``access_reviews.reviewed``: current information assets with an owner person whose access
  was reviewed this term (the school's current term, a holiday counting for the term that
  follows), out of all such assets.

The terms are resolved for every school in two queries (``access.reviews.terms``), then ONE
aggregate counts the assets of every school, its conditions grouped by calendar (as the
duties do).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count

from schoolkeep.access.reviews.selectors import assets_needing_review, per_calendar, reviewed_q
from schoolkeep.access.reviews.terms import review_terms
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

REVIEWED = "access_reviews.reviewed"


class AccessReviewMeasures:
    module = "access_reviews"
    label = "Access reviews"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(REVIEWED, "access", "Information assets whose access was reviewed this term",
                    "had their access reviewed this term",
                    empty="No information asset has an owner yet",
                    url_name="access:review-list", permission="access.review"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        terms_of = review_terms(ids, local_date(now))
        rows = (assets_needing_review(ids).order_by().values("school_id")
                .annotate(total=Count("pk"),
                          reviewed=Count("pk", filter=per_calendar(terms_of, reviewed_q)))
                .values_list("school_id", "total", "reviewed"))
        return {school_id: {REVIEWED: (reviewed, total)} for school_id, total, reviewed in rows}


provider = AccessReviewMeasures()
