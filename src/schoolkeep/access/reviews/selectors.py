"""What the access reviews' duties, measure and list ask of the database: each current asset
with an owner person needs a review each term.

For one school on one day (its ``ReviewTerms``: the current term and the one before):

- reviewed: a review counted for the current term exists;
- overdue: not reviewed this term nor last term, and the asset was there before the last
  term ended (added before, or reviewed on an earlier day): due on the last term's last day,
  which has passed;
- due: not reviewed this term and not overdue: due on the current term's last day.

Schools sharing a calendar (the default pattern, or one trust's dates) share the same
conditions, so a question about many schools is one query whose conditions grow with the
number of different calendars, not of schools: ``per_calendar`` builds
``(school in group AND condition) OR ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from schoolkeep.access.models import AccessReview, SystemAccount
from schoolkeep.access.reviews.terms import ReviewTerms, TermDates
from schoolkeep.assets.models import Asset
from schoolkeep.duties.types import LONDON, NO_ROW
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.models import System
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import Membership, Term

# Every current asset with an owner person needs a review each term.
NEEDS_REVIEW = Q(archived_at__isnull=True, owner_person__isnull=False)
LAST_REVIEWS = 10  # the reviews the asset's page lists


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def reviewed_in(term: TermDates) -> Exists:
    """The asset has a review counted for ``term``."""
    return Exists(AccessReview.objects.filter(
        school_id=OuterRef("school_id"), asset_id=OuterRef("pk"),
        academic_year=term.academic_year, term_name=term.name))


def reviewed_this_term(today: date) -> Exists:
    """The asset has a review whose stored term has not ended on ``today`` (so is the
    current term): the term's end read in SQL as ``access.reviews.measures`` explains, with
    no term resolved beforehand."""
    years = [today.year - 2, today.year - 1, today.year]
    same_term = {"academic_year": OuterRef("academic_year"), "name": OuterRef("term_name")}
    own = Term.objects.filter(school_id=OuterRef("school_id"), **same_term)
    shared = Term.objects.filter(school__isnull=True,
                                 organisation_id=OuterRef("school__organisation_id"),
                                 **same_term)
    default = Case(*[When(academic_year=year, term_name=name, then=Value(ends_on))
                     for year in years
                     for name, (_starts_on, ends_on) in default_term_dates(year).items()],
                   output_field=DateField())
    ends_on = Coalesce(Subquery(own.values("ends_on")[:1]),
                       Subquery(shared.values("ends_on")[:1]), default)
    return Exists(AccessReview.objects.filter(
        school_id=OuterRef("school_id"), asset_id=OuterRef("pk"), academic_year__in=years,
    ).annotate(term_ends_on=ends_on).filter(term_ends_on__gte=today))


def existed_before_end_of(term: TermDates) -> Q:
    """Added before ``term`` ended, or reviewed on or before its last day (a review recorded
    afterwards for an earlier day shows the asset was there)."""
    reviewed_by_then = Exists(AccessReview.objects.filter(
        school_id=OuterRef("school_id"), asset_id=OuterRef("pk"),
        reviewed_on__lte=term.ends_on))
    return Q(created_at__lt=_day_start(term.ends_on + timedelta(days=1))) | Q(reviewed_by_then)


def overdue_q(terms: ReviewTerms) -> Q:
    return (~Q(reviewed_in(terms.current)) & ~Q(reviewed_in(terms.previous))
            & existed_before_end_of(terms.previous))


def due_q(terms: ReviewTerms) -> Q:
    """Due this term (not overdue, not yet reviewed)."""
    return ~Q(reviewed_in(terms.current)) & ~overdue_q(terms)


def calendars(terms_of: dict[int, ReviewTerms]) -> list[tuple[ReviewTerms, list[int]]]:
    """The schools grouped by their (previous, current) terms."""
    groups: dict[ReviewTerms, list[int]] = {}
    for school_id, terms in sorted(terms_of.items()):
        groups.setdefault(terms, []).append(school_id)
    return list(groups.items())


def per_calendar(terms_of: dict[int, ReviewTerms],
                 condition: Callable[[ReviewTerms], Q | None]) -> Q:
    """OR over the schools' calendars of (school in the group AND ``condition(terms)``);
    a condition of None leaves the group out."""
    combined = NO_ROW
    for terms, ids in calendars(terms_of):
        found = condition(terms)
        if found is not None:
            combined |= Q(school_id__in=ids) & found
    return combined


def assets_needing_review(school_ids: list[int], *, until: date | None = None,
                          today: date | None = None) -> QuerySet[Asset]:
    """The schools' current assets with an owner person. One fact, one duty: an asset whose
    owner leaves is the leaver's hand-over (``leavers.hand-over-asset``), so the duties
    (``until``, the horizon's day) leave out owners leaving before it, as the leavers' duties
    count them, and the measure (``today``) leaves out owners who have left, until the asset
    is handed over."""
    assets = Asset.objects.filter(NEEDS_REVIEW, school_id__in=school_ids)
    if until is not None:
        assets = assets.exclude(owner_person__leaving_date__lt=until)
    if today is not None:
        assets = assets.filter(current_q(today, "owner_person__"))
    return assets


def review_list(*, school_id: int, terms: ReviewTerms, owner_user: Any = None
                ) -> QuerySet[Asset]:
    """The school's current assets for the list, each with its review this term (its date and
    outcome, None when not yet reviewed) and whether it is overdue; only those the user
    owns when ``owner_user`` is given."""
    this_term = AccessReview.objects.filter(
        school_id=OuterRef("school_id"), asset_id=OuterRef("pk"),
        academic_year=terms.current.academic_year, term_name=terms.current.name,
    ).order_by("-reviewed_on", "-created_at")
    assets = Asset.objects.filter(school_id=school_id, archived_at__isnull=True)
    if owner_user is not None:
        assets = assets.filter(owner_person__user=owner_user)
    return (assets.select_related("owner_person")
            .annotate(reviewed_on=Subquery(this_term.values("reviewed_on")[:1]),
                      outcome=Subquery(this_term.values("outcome")[:1]),
                      late=ExpressionWrapper(Q(NEEDS_REVIEW) & overdue_q(terms),
                                             output_field=BooleanField()))
            .order_by("name_key", "pk"))


def review_page(*, school_id: int, asset: Asset) -> dict[str, object]:
    """Who may enter the asset's information (its access labels and their active members),
    who administers the current systems that hold it (named administrators and administrator
    accounts), and its last reviews: four queries."""
    labels = asset.access_labels.order_by("label_key").prefetch_related(
        Prefetch("members", queryset=Membership.objects.filter(is_active=True)
                 .select_related("user").order_by("user__full_name", "user__email")))
    accounts = (SystemAccount.objects.filter(school_id=school_id, is_admin=True)
                .exclude(enabled=False).select_related("person", "responsible_person")
                .order_by("username_key"))
    systems = (System.objects.filter(assets=asset, archived_at__isnull=True)
               .order_by("name_key")
               .prefetch_related(Prefetch("administrators"),
                                 Prefetch("accounts", queryset=accounts, to_attr="admin_accounts")))
    return {"labels": list(labels), "systems": list(systems),
            "reviews": list(AccessReview.objects.filter(asset=asset)[:LAST_REVIEWS])}

