"""The access reviews' measure, for the overview (area "access"):

- ``access_reviews.reviewed``: current information assets with an owner person whose access
  was reviewed this term (the school's current term, a holiday counting for the term that
  follows), out of all such assets; an asset whose owner has left is outside the figure
  until it is handed over (the leaver's hand-over is its duty).

ONE query for any number of schools, with no term resolved beforehand: a review counts for
the term stored with it, and that term is the current one exactly when it has not ended yet
(a review is never dated in the future, and a holiday counts for the term that follows). The
end of a review's term is read in SQL as the calendar decides it: the school's own row for
that term, else its trust's, else the default pattern's (computed here for the few academic
years that can still be current, as literals). A school's own dates replace its trust's term
by term here, where the calendar replaces them year by year: the same whenever a year's
dates are entered whole, as the terms page enters them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.access.reviews.selectors import assets_needing_review, reviewed_this_term
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
        today = local_date(now)
        rows = (assets_needing_review(ids, today=today).order_by().values("school_id")
                .annotate(total=Count("pk"),
                          reviewed=Count("pk", filter=Q(reviewed_this_term(today))))
                .values_list("school_id", "total", "reviewed"))
        return {school_id: {REVIEWED: (reviewed, total)} for school_id, total, reviewed in rows}


provider = AccessReviewMeasures()
