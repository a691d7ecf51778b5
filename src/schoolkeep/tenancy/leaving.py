"""A member's access ends on their leaving date.

From the leaving date recorded on the member's person record in a school, the school no
longer opens for them: ``tenancy.selectors.user_access`` leaves it out on every request and
for every API token, whatever this module has done yet. This module then makes it so in the
records: at each of the scheduler's ten-minute ticks, ``memberships_end_on_leaving`` marks
the membership of each leaver whose date has come inactive (audited as
``tenancy.membership.ended_on_leaving``, by the system), and when that was the person's last
way into Schoolkeep (no other active membership of a school, no trust administration) their
sessions end and their API tokens are revoked (audited too). Someone who also serves another
school keeps their sessions and tokens; they simply cannot open the school they left.

It runs at every tick, not once a day, so that a leaving date set to today (the API's
"archive today", say) ends the sessions the same day; when nobody is due it is one query.
Leaving dates are days in Europe/London.

Nothing comes back by itself: a membership ended here is returned by inviting the person
again (as after ``membership_deactivate``), after their leaving date is corrected.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from schoolkeep.audit.actions import register_action_labels
from schoolkeep.audit.context import audit_context
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.tenancy.models import Membership, MembershipRole, OrganisationMembership
from schoolkeep.tenancy.roles import SCHOOL_ROLES

TICK_NAME = "tenancy.membership-ends-on-leaving"
ENDED = "tenancy.membership.ended_on_leaving"
ACTION_LABELS = {ENDED: "Membership ended on the leaving date"}


def _leavers_due(today: date) -> list[int]:
    """The ids of active memberships whose person in that school has left by ``today``."""
    from schoolkeep.people.models import Person

    has_left = Exists(Person.objects.filter(
        school_id=OuterRef("school_id"), user_id=OuterRef("user_id"), leaving_date__lte=today))
    return list(Membership.objects.filter(has_left, is_active=True)
                .order_by("pk").values_list("pk", flat=True))


def _belongs_elsewhere(user_id: int) -> bool:
    return (Membership.objects.filter(user_id=user_id, is_active=True).exists()
            or OrganisationMembership.objects.filter(user_id=user_id, is_active=True).exists())


def membership_end_on_leaving(*, membership_id: int, today: date) -> bool:
    """End one leaver's membership (see the module); False when it was no longer due
    (ended meanwhile, or the leaving date moved)."""
    from schoolkeep.accounts.models import ApiToken
    from schoolkeep.accounts.services import token_revoke, user_end_sessions
    from schoolkeep.people.models import Person

    with transaction.atomic():
        membership = (Membership.objects.select_for_update(of=("self",))
                      .select_related("user", "school").filter(pk=membership_id).first())
        if membership is None or not membership.is_active:
            return False
        leaving_date = (Person.objects.filter(
            school_id=membership.school_id, user_id=membership.user_id,
            leaving_date__lte=today).order_by("leaving_date")
            .values_list("leaving_date", flat=True).first())
        if leaving_date is None:
            return False
        held = set(MembershipRole.objects.filter(membership=membership)
                   .values_list("role", flat=True))
        roles = [role.value for role in SCHOOL_ROLES if role.value in held]
        membership.is_active = False
        membership.version += 1
        membership.save(update_fields=["is_active", "version"])
        audit_record(
            action=ENDED, school=membership.school, actor=None, target=membership,
            changes={**diff({"is_active": True, "roles": roles},
                            {"is_active": False, "roles": roles}),
                     "leaving_date": leaving_date.isoformat()},
        )
        user = membership.user
        if not _belongs_elsewhere(user.pk):
            for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
                token_revoke(token=token, actor=None, school=membership.school)
            user_end_sessions(user=user, actor=None, school=membership.school)
    return True


def memberships_end_on_leaving(now: datetime | None = None) -> int:
    """End the membership of every leaver whose date has come, in every school; each in its
    own transaction. Returns how many were ended. The scheduler's tick calls this."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    ended = 0
    with audit_context(actor_label="system"):
        for membership_id in _leavers_due(today):
            ended += membership_end_on_leaving(membership_id=membership_id, today=today)
    return ended


def register() -> None:
    """Called from TenancyConfig.ready: the tick and the audit label."""
    from schoolkeep.duties.scheduler import register_tick

    register_action_labels(ACTION_LABELS)
    register_tick(TICK_NAME, memberships_end_on_leaving)
