"""Duties of the foundation, computed when read.

Four kinds, each for the members of one school:

- ``mfa-missing``: an active member whose roles require two-factor sign-in (every role but
  plain staff, or every role when the school requires it of all) and who has neither an
  authenticator app nor a security key. Owner: that member. Due seven days after the
  membership was created, overdue after that (a member given a privileged role later is
  overdue at once: the role needs two-factor from the moment it is held).
- ``account-locked``: django-axes has locked a member's account at some address (at least
  ``AXES_FAILURE_LIMIT`` failures from one address within the cool-off). Owner: the SIRO, who
  can check with the member and unlock. Due when the lock lifts by itself.
- ``invitation-open``: an invitation neither accepted nor withdrawn. Owner: the SIRO. Due when
  it expires; once expired it is overdue until the SIRO sends a new one or withdraws it.
- ``terms-estimated``: the school has no term dates of its own, nor from its trust or local
  authority, for the current or the next academic year, so Schoolkeep is using its estimate.
  Owner: the business manager. The dates for academic year Y are due on 1 August of year Y,
  a month before the autumn term, so that every due date of that year is computed from real
  dates. "Current" is ``tenancy.calendar.academic_year_of`` (the summer holiday belongs to
  the year that follows). The next year's duty therefore appears in mid-July, two weeks
  before it is due; the current year's, if still missing, is overdue.

``counts`` runs ONE query for any number of schools (a scalar subquery per figure);
``for_school`` runs one query per kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import (
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Lower
from django.urls import reverse

from schoolkeep.duties.registry import register
from schoolkeep.duties.types import (
    OVERDUE,
    Duty,
    DutyCounts,
    count_subquery,
    is_before_horizon,
    local_date,
    status_for,
)
from schoolkeep.tenancy.calendar import academic_year_label, academic_year_of
from schoolkeep.tenancy.models import Invitation, Membership, MembershipRole, School, Term
from schoolkeep.tenancy.roles import ROLES_WITHOUT_REQUIRED_MFA, Role

MODULE = "tenancy"
MFA_GRACE = timedelta(days=7)
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def terms_due_on(year: int) -> date:
    return date(year, 8, 1)


def _failure_limit() -> int:
    limit = settings.AXES_FAILURE_LIMIT
    return limit if isinstance(limit, int) else 10


def _cool_off() -> timedelta:
    return get_cool_off() or timedelta(minutes=15)


def _members() -> QuerySet[Membership]:
    return Membership.objects.filter(is_active=True, user__is_active=True)


def _without_second_factor(members: QuerySet[Membership]) -> QuerySet[Membership]:
    needs_by_role = Exists(
        MembershipRole.objects.filter(membership=OuterRef("pk")).exclude(
            role__in=list(ROLES_WITHOUT_REQUIRED_MFA)
        )
    )
    has_any_role = Exists(MembershipRole.objects.filter(membership=OuterRef("pk")))
    has_factor = Exists(
        Authenticator.objects.filter(user=OuterRef("user_id"), type__in=SECOND_FACTORS)
    )
    return members.filter(
        Q(needs_by_role) | (Q(school__require_mfa_for_all=True) & Q(has_any_role))
    ).filter(~Q(has_factor))


def _lock_lifted_at(now: datetime) -> Subquery:
    """When the latest lock on the member's account (at any one address) ends, or NULL."""
    cool_off = _cool_off()
    locks = (
        AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
        .alias(login=Lower("username"))
        .filter(login=Lower(OuterRef("user__email")))
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=_failure_limit())
        .order_by("-last")
        .values("last")[:1]
    )
    return Subquery(locks)


def _open_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def _own_terms(year: int) -> Exists:
    return Exists(
        Term.objects.filter(school=OuterRef("pk"), academic_year=year, estimated=False)
    )


def _trust_terms(year: int) -> Exists:
    return Exists(
        Term.objects.filter(
            organisation_id=OuterRef("organisation_id"), academic_year=year, estimated=False
        )
    )


def _term_years(now: datetime, horizon: datetime) -> list[tuple[int, date]]:
    """The academic years whose dates are due before the horizon or overdue: current, next."""
    current = academic_year_of(local_date(now))
    years = []
    for year in (current, current + 1):
        due = terms_due_on(year)
        if status_for(due, now) == OVERDUE or is_before_horizon(due, horizon):
            years.append((year, due))
    return years


class TenancyDuties:
    module = MODULE
    label = "Members and school calendar"

    # --- counts: one aggregate for any number of schools -------------------------------

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        ids = list(school_ids)
        if not ids:
            return {}
        school = OuterRef("pk")
        mfa = _without_second_factor(_members().filter(school_id=school))
        locked = (
            _members()
            .filter(school_id=school)
            .annotate(lifted=_lock_lifted_at(now))
            .filter(lifted__isnull=False)
        )
        invitations = _open_invitations().filter(school_id=school)
        annotations: dict[str, Any] = {
            "mfa_overdue": count_subquery(mfa.filter(created_at__lt=now - MFA_GRACE)),
            "mfa_due": count_subquery(
                mfa.filter(created_at__gte=now - MFA_GRACE, created_at__lt=horizon - MFA_GRACE)
            ),
            "locked": count_subquery(locked),
            "invitations_overdue": count_subquery(invitations.filter(expires_at__lt=now)),
            "invitations_due": count_subquery(
                invitations.filter(expires_at__gte=now, expires_at__lt=horizon)
            ),
        }
        years = _term_years(now, horizon)
        for index, (year, _due) in enumerate(years):
            annotations[f"own_terms_{index}"] = _own_terms(year)
            annotations[f"trust_terms_{index}"] = _trust_terms(year)
        rows = (
            School.objects.filter(pk__in=ids)
            .order_by()
            .annotate(**annotations)
            .values("pk", *annotations)
        )
        result: dict[int, DutyCounts] = {}
        for row in rows:
            due = row["mfa_due"] + row["locked"] + row["invitations_due"]
            overdue = row["mfa_overdue"] + row["invitations_overdue"]
            for index, (_year, due_on) in enumerate(years):
                if not (row[f"own_terms_{index}"] or row[f"trust_terms_{index}"]):
                    if status_for(due_on, now) == OVERDUE:
                        overdue += 1
                    else:
                        due += 1
            result[row["pk"]] = DutyCounts(due=due, overdue=overdue)
        return result

    # --- lists: one query per kind -------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return [
            *self._mfa_missing(school_id, now=now, horizon=horizon),
            *self._locked(school_id, now=now),
            *self._invitations(school_id, now=now, horizon=horizon),
            *self._terms(school_id, now=now, horizon=horizon),
        ]

    def _mfa_missing(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        members = _without_second_factor(
            _members().filter(school_id=school_id, created_at__lt=horizon - MFA_GRACE)
        ).select_related("user")
        duties = []
        for membership in members:
            due_at = membership.created_at + MFA_GRACE
            user = membership.user
            duties.append(
                Duty(
                    key=f"tenancy.mfa-missing:{membership.public_id}",
                    module=MODULE,
                    title="Set up two-factor sign-in",
                    subject=user.full_name or user.email,
                    due_at=due_at,
                    status=status_for(due_at, now),
                    url=reverse("mfa_index"),
                    owner_user_id=user.pk,
                    owner_label=user.full_name or user.email,
                    action="Set up two-factor sign-in",
                    oversight_url=reverse("tenancy:member-edit", args=[membership.public_id]),
                )
            )
        return duties

    def _locked(self, school_id: int, *, now: datetime) -> list[Duty]:
        members = (
            _members()
            .filter(school_id=school_id)
            .annotate(lifted=_lock_lifted_at(now))
            .filter(lifted__isnull=False)
            .select_related("user")
        )
        cool_off = _cool_off()
        url = reverse("accounts:lockout-list")
        duties = []
        for membership in members:
            due_at = membership.lifted + cool_off
            user = membership.user
            duties.append(
                Duty(
                    key=f"tenancy.account-locked:{membership.public_id}",
                    module=MODULE,
                    title="A member's account is locked after failed sign-ins",
                    subject=user.full_name or user.email,
                    due_at=due_at,
                    status=status_for(due_at, now),
                    url=url,
                    owner_role=Role.SIRO,
                    action="Check with them, then unlock",
                )
            )
        return duties

    def _invitations(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        invitations = _open_invitations().filter(school_id=school_id, expires_at__lt=horizon)
        url = reverse("tenancy:member-list")
        duties = []
        for invitation in invitations:
            status = status_for(invitation.expires_at, now)
            expired = status == OVERDUE
            duties.append(
                Duty(
                    key=f"tenancy.invitation-open:{invitation.public_id}",
                    module=MODULE,
                    title=(
                        "An invitation expired before it was accepted"
                        if expired
                        else "An invitation has not been accepted yet"
                    ),
                    subject=invitation.full_name or invitation.email,
                    due_at=invitation.expires_at,
                    status=status,
                    url=url,
                    owner_role=Role.SIRO,
                    action=(
                        "Send a new invitation or withdraw it"
                        if expired
                        else "Remind them or withdraw the invitation"
                    ),
                )
            )
        return duties

    def _terms(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        years = _term_years(now, horizon)
        if not years:
            return []
        annotations: dict[str, Any] = {}
        for index, (year, _due) in enumerate(years):
            annotations[f"own_{index}"] = _own_terms(year)
            annotations[f"trust_{index}"] = _trust_terms(year)
        row: dict[str, Any] | None = (
            School.objects.filter(pk=school_id).values(**annotations).first()  # type: ignore[assignment]
        )
        if row is None:
            return []
        duties = []
        for index, (year, due_on) in enumerate(years):
            if row[f"own_{index}"] or row[f"trust_{index}"]:
                continue
            duties.append(
                Duty(
                    key=f"tenancy.terms-estimated:{year}",
                    module=MODULE,
                    title=f"Confirm the term dates for {academic_year_label(year)}",
                    subject=f"Academic year {academic_year_label(year)} (estimated dates in use)",
                    due_at=due_on,
                    status=status_for(due_on, now),
                    url=reverse("tenancy:term-edit", args=[year]),
                    owner_role=Role.BUSINESS_MANAGER,
                    action="Enter the term dates",
                )
            )
        return duties


provider = register(TenancyDuties())
