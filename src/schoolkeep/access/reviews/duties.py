"""Duties of the access reviews (module ``access_reviews``), computed when read.

One kind, ``access_reviews.review-due``: every current information asset with an owner
person needs its access reviewed once each term (``access.reviews.selectors``). An asset
whose owner leaves before the horizon's day raises none: the leaver's hand-over
(``leavers.hand-over-asset``) is its one duty. Due on the
current term's last day; not reviewed last term either (and added before it ended): overdue
since the last term's last day (an asset added this term, with no review dated earlier, is
only due). A review this term clears it. Owner: the owner person's account (the duties
layer falls back to the SIRO when that account is not an active member of the school), else
the SIRO. Link: the asset's review page.

The title names no asset (it leaves the school in reminders and calendar feeds); the asset's
name is the duty's ``subject``.

Queries. Terms are per school (its own dates, else its trust's, else the default), so the
terms are resolved first, for every school at once, in two queries
(``access.reviews.terms.review_terms``: the schools, then their stored terms); ``counts``
is then ONE aggregate over the assets of every school, grouped by school and each asset's
state (a CASE whose conditions are grouped by calendar: schools sharing the default or a
trust's dates share them); ``for_school`` one listing query. Three queries in all, whatever the
number of schools. (One query would need the terms' precedence rule and the default pattern,
with its Easter dates, written in SQL.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    Value,
    When,
)
from django.urls import reverse

from schoolkeep.access.reviews.selectors import (
    assets_needing_review,
    calendars,
    due_q,
    existed_before_end_of,
    overdue_q,
    reviewed_in,
)
from schoolkeep.access.reviews.terms import ReviewTerms, review_terms
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts, local_date
from schoolkeep.tenancy.roles import Role

MODULE = "access_reviews"
KIND = f"{MODULE}.review-due"
TITLE = "Review who has access to an information asset"


# Each asset's state for the counts: reviewed this term, overdue, due before the horizon,
# due later.
DONE, LATE, SOON, LATER = 0, 1, 2, 3


def _state(terms_of: dict[int, ReviewTerms], until: date) -> Case:
    """Each asset's state: the school's calendar chosen once, then its conditions; a CASE
    stops at the first condition met, so each asset's reviews are looked up once or twice,
    not once per figure."""
    whens = []
    for terms, ids in calendars(terms_of):
        state = Case(
            When(reviewed_in(terms.current), then=Value(DONE)),
            When(~Q(reviewed_in(terms.previous)) & existed_before_end_of(terms.previous),
                 then=Value(LATE)),
            default=Value(SOON if terms.current.ends_on < until else LATER),
            output_field=IntegerField())
        whens.append(When(school_id__in=ids, then=state))
    return Case(*whens, default=Value(LATER), output_field=IntegerField())


class AccessReviewDuties:
    module = MODULE
    label = "Access reviews"
    view_permission = "access.view"
    kind_labels = {KIND: "Information assets whose access review is due this term"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        today, until = local_date(now), local_date(horizon)
        rows = (assets_needing_review(ids, until=until).order_by()
                .annotate(state=_state(review_terms(ids, today), until))
                .values("school_id", "state").annotate(n=Count("pk"))
                .values_list("school_id", "state", "n"))
        counted: dict[int, DutyCounts] = {}
        for school_id, state, n in rows:
            if state in (LATE, SOON):
                found = DutyCounts(overdue=n) if state == LATE else DutyCounts(due=n)
                counted[school_id] = counted.get(school_id, DutyCounts()) + found
        return counted

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today, until = local_date(now), local_date(horizon)
        terms = review_terms([school_id], today)[school_id]
        listed = overdue_q(terms)
        if terms.current.ends_on < until:
            listed |= due_q(terms)
        rows = (assets_needing_review([school_id], until=until).filter(listed).order_by()
                .annotate(late=ExpressionWrapper(overdue_q(terms), output_field=BooleanField()))
                .values_list("public_id", "name", "owner_person__full_name",
                             "owner_person__user_id", "late", "created_at"))
        return [self._duty(row, terms) for row in rows]

    def _duty(self, row: tuple[Any, ...], terms: ReviewTerms) -> Duty:
        public_id, name, owner_name, user_id, late, created_at = row
        term = terms.previous if late else terms.current
        owner: dict[str, Any] = {"owner_role": Role.SIRO}
        if user_id is not None:  # an owner leaving before the horizon raises none
            owner = {"owner_user_id": user_id, "owner_label": owner_name}
        return Duty(
            key=f"{KIND}:{public_id}", module=MODULE, title=TITLE,
            subject=f"{name}: access review for {term.label}"
                    + (" (estimated term dates)" if term.estimated else ""),
            due_at=term.ends_on, status=OVERDUE if late else DUE,
            url=reverse("access:review-asset", args=[public_id]), permission="access.review",
            action="Confirm who has access, or record what changed",
            order_at=created_at, **owner)


provider = AccessReviewDuties()


def register() -> None:
    register_provider(provider)
