"""The demo's access reviews: at Larkspur one asset confirmed this term, one with changes
recorded last term, one overdue (its last review the term before last); built once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from schoolkeep.access.models import AccessReview
from schoolkeep.access.reviews.demo import ORDER, build_demo_access_reviews
from schoolkeep.access.reviews.duties import provider
from schoolkeep.access.reviews.terms import review_terms
from schoolkeep.audit.actions import known_actions
from schoolkeep.demo import builder
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.types import DUE, OVERDUE

pytestmark = pytest.mark.django_db


def _build() -> builder.DemoContext:
    """The steps up to the registers of assets and systems, then this one (the later
    modules' steps are not needed)."""
    ctx = builder.DemoContext()
    for name, func in builder.steps():
        if builder._steps[name].order < ORDER and name != "access_reviews":
            func(ctx)
    build_demo_access_reviews(ctx)
    return ctx


def test_the_demo_records_reviews_and_raises_the_duty() -> None:
    ctx = _build()
    school = ctx.schools["larkspur"]
    today = timezone.localdate()
    terms = review_terms([school.pk], today)[school.pk]
    reviews = list(AccessReview.objects.filter(school=school).order_by("reviewed_on"))
    assert [r.outcome for r in reviews] == ["confirmed", "changed", "confirmed"]
    assert reviews[1].reviewed_on == terms.previous.ends_on
    assert reviews[2].reviewed_on == today
    now = timezone.now()
    duties = provider.for_school(school.pk, now=now, horizon=now + timedelta(days=400))
    assert [d.status for d in duties].count(OVERDUE) == 1
    assert DUE in {d.status for d in duties}
    reviewed_now = {reviews[2].asset.public_id}
    assert not any(str(public_id) in d.key for d in duties for public_id in reviewed_now)
    build_demo_access_reviews(ctx)  # again: nothing more
    assert AccessReview.objects.filter(school=school).count() == 3


def test_the_part_registers_its_duties_labels_and_demo_step() -> None:
    assert provider_for("access_reviews") is provider
    assert "access.review.recorded" in known_actions()
    assert builder._steps["access_reviews"].order == ORDER
