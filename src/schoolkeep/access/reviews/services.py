"""Recording an access review: once a term, an information asset's owner confirms who may
enter its information and who administers the systems that hold it, or records what changed.

Who may record one: the asset's owner (the person named as owner, through their account,
while they have not left) or the school's SIRO or DPO. Anyone else is refused (``NotAllowed``,
a 403 on the page). The command line and the demo are trusted callers.

The term a review counts for is the term of its day in the school's calendar
(``tenancy.calendar.TermCalendar``): a review made in a holiday counts for the term that
follows. A review cannot be dated in the future. "Changes recorded" needs the words of what
changed. Every review is kept (a second one in a term adds to the first); the audit event is
``access.review.recorded``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.access.models import AccessReview
from schoolkeep.assets.models import Asset
from schoolkeep.audit.services import audit_record
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.calendar import TermCalendar, term_label
from schoolkeep.tenancy.guards import actor_label, is_user
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role

ACTION_LABELS = {"access.review.recorded": "Access to an information asset reviewed"}

REVIEWER_ROLES = (Role.SIRO, Role.DPO)
REFUSAL = ("Only the asset's owner, the SIRO or the data protection officer can review who"
           " has access to it.")


def is_owner(*, asset: Asset, user: Any, today: date) -> bool:
    """True when ``user`` is the account of the asset's owner, who has not left."""
    person = asset.owner_person
    return (person is not None and user is not None and person.user_id == user.pk
            and (person.leaving_date is None or person.leaving_date > today))


def is_siro_or_dpo(*, school: School | int, user: Any) -> bool:
    """True when the user is an active SIRO or DPO of the school."""
    return MembershipRole.objects.filter(
        membership__school=school, membership__user=user, membership__is_active=True,
        role__in=list(REVIEWER_ROLES)).exists()


def may_review(*, school: School, asset: Asset, user: Any, today: date | None = None) -> bool:
    """The rule of the module docstring for a signed-in user."""
    today = today or timezone.localdate()
    return is_owner(asset=asset, user=user, today=today) or is_siro_or_dpo(school=school,
                                                                          user=user)


def access_review_record(*, school: School, asset: Asset, actor: Any, outcome: str,
                         changes: str = "", reviewed_on: date | None = None) -> AccessReview:
    """Record the asset's access review for the term of ``reviewed_on`` (today by default)."""
    with transaction.atomic():
        if asset.school_id != school.pk:
            raise DomainError("This information asset belongs to another school.")
        if asset.archived_at is not None:
            raise DomainError("This information asset is archived: it needs no review.")
        today = timezone.localdate()
        if is_user(actor) and not may_review(school=school, asset=asset, user=actor,
                                             today=today):
            raise NotAllowed(REFUSAL)
        reviewed_on = reviewed_on or today
        if reviewed_on > today:
            raise DomainError("The date of the review cannot be in the future.",
                              field="reviewed_on")
        if outcome not in AccessReview.Outcome.values:
            raise DomainError("Choose whether access is right as it is or has changed.",
                              field="outcome")
        changes = (changes or "").strip()
        if outcome == AccessReview.Outcome.CHANGED and not changes:
            raise DomainError("Say what changed: who was given access, who lost it, or who"
                              " now administers a system.", field="changes")
        if outcome == AccessReview.Outcome.CONFIRMED:
            changes = ""
        term = TermCalendar(school).term_for_date(reviewed_on)
        review = AccessReview(
            school=school, asset=asset, academic_year=term.academic_year, term_name=term.name,
            reviewed_on=reviewed_on, reviewed_by=actor if is_user(actor) else None,
            reviewed_by_label=actor_label(actor), outcome=outcome, changes=changes)
        full_clean_or_error(review)
        review.save()
        audit_record(
            action="access.review.recorded", school=school, actor=actor,
            target=asset,
            changes={"outcome": outcome, "changes": changes,
                     "reviewed_on": reviewed_on.isoformat(),
                     "term": term_label(term.name, term.academic_year)})
        return review
