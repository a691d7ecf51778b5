"""The access reviews of the demo (Larkspur, step "access_reviews", order 340): one asset's
access confirmed this term; another's changes recorded last term, so that it and the other
assets fall due at the end of this term; a third last reviewed the term before last, so that
its missed review last term is an overdue duty (the demo raises the duty on the day it is
built, whatever the date)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolkeep.access.models import AccessReview
from schoolkeep.access.reviews.services import access_review_record
from schoolkeep.access.reviews.terms import review_terms
from schoolkeep.assets.models import Asset
from schoolkeep.demo.builder import DemoContext

SCHOOL = "larkspur"
ORDER = 340


def build_demo_access_reviews(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    if AccessReview.objects.filter(school=school).exists():
        return
    owned = list(Asset.objects.filter(school=school, archived_at__isnull=True,
                                      owner_person__isnull=False).order_by("name_key")[:3])
    if len(owned) < 3:  # pragma: no cover - the assets step gives Larkspur owned assets
        return
    today = timezone.localdate()
    terms = review_terms([school.pk], today)[school.pk]
    earlier = review_terms([school.pk], terms.previous.starts_on - timedelta(days=1))[school.pk]
    access_review_record(school=school, asset=owned[0], actor=None,
                         outcome=AccessReview.Outcome.CONFIRMED, reviewed_on=today)
    access_review_record(
        school=school, asset=owned[1], actor=None, outcome=AccessReview.Outcome.CHANGED,
        reviewed_on=terms.previous.ends_on,
        changes="The office manager no longer enters information; the new bursar does.")
    access_review_record(school=school, asset=owned[2], actor=None,
                         outcome=AccessReview.Outcome.CONFIRMED,
                         reviewed_on=earlier.previous.ends_on)
