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

``counts`` runs ONE query for any number of schools: the members grouped by school
(conditional counts of two-factor and locks), UNION ALL the open invitations grouped by
school, UNION ALL the schools with whether their term dates are confirmed. A lock is found
by one uncorrelated subquery of the locked sign-in names (``_locked_logins``), not once per
member. ``kind_counts`` is the same query for one school with each count split into the
viewer's and the others' (``OWNED_BY``, ``duties.types.Owners``); ``for_kind`` is one query
in order of urgency (due instant, then public id), sliced in SQL; ``for_school`` is
``for_kind`` for each of the four kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.urls import reverse

from schoolkeep.duties import compiled
from schoolkeep.duties.registry import register
from schoolkeep.duties.types import (
    OVERDUE,
    CountsFromKinds,
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    count_owned,
    is_before_horizon,
    kept_by_owner,
    local_date,
    split_by_owner,
    status_for,
)
from schoolkeep.tenancy.calendar import academic_year_label, academic_year_of
from schoolkeep.tenancy.models import Invitation, Membership, MembershipRole, School, Term
from schoolkeep.tenancy.roles import ROLES_WITHOUT_REQUIRED_MFA, Role

MODULE = "tenancy"
MFA_GRACE = timedelta(days=7)
# The viewer's rows of a list, as a condition built only when its SQL is not kept yet.
Kept = Callable[[], Q]
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


def _locked_logins(now: datetime) -> QuerySet[Any]:
    """The sign-in names (lower case) locked now at some address: one uncorrelated query,
    the same rule as ``_lock_lifted_at``."""
    return (
        AccessAttempt.objects.filter(attempt_time__gte=now - _cool_off())
        .annotate(login=Lower("username"))
        .values("login", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=_failure_limit())
        .values("login")
    )


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


MFA = f"{MODULE}.mfa-missing"
LOCKED = f"{MODULE}.account-locked"
INVITATION = f"{MODULE}.invitation-open"
TERMS = f"{MODULE}.terms-estimated"
MFA_ROW, LOCKED_ROW, INVITATION_ROW, TERMS_ROW = 1, 2, 3, 4  # which part of ``_counted``
COLUMNS = 8  # counts per row of ``_counted``: four (the viewer's, the others') per kind

# Whom each kind falls to: (the column holding the named owner's user id, or None; the role
# it falls to without one). See ``duties.types.Owners``.
OWNED_BY = {
    MFA: ("user_id", Role.SIRO),
    LOCKED: (None, Role.SIRO),
    INVITATION: (None, Role.SIRO),
    TERMS: (None, Role.BUSINESS_MANAGER),
}


def _four(kind: str, overdue: Q, due: Q, owners: Owners | None) -> dict[str, Any]:
    """The viewer's overdue and due, then the others', as conditional counts."""
    user, role = OWNED_BY[kind]
    mine, others = split_by_owner(owners, user, role)
    name = kind.split(".")[1].replace("-", "_")
    return {f"{name}_{n}": count_owned(condition, owner) for n, (condition, owner) in enumerate(
        ((overdue, mine), (due, mine), (overdue, others), (due, others)))}


def _grouped(rows: QuerySet[Any], marker: int, counts: dict[str, Any]) -> QuerySet[Any]:
    padding = {f"none_{n}": Value(0) for n in range(len(counts), COLUMNS)}
    return (rows.order_by().values("school_id")
            .annotate(marker=Value(marker), **counts, **padding)
            .values_list("school_id", "marker", *counts, *padding))


class TenancyDuties(CountsFromKinds):
    module = MODULE
    label = "Members and school calendar"
    kind_labels = {
        MFA: "Members without two-factor sign-in",
        LOCKED: "Accounts locked after failed sign-ins",
        INVITATION: "Invitations not yet accepted",
        TERMS: "Term dates to enter",
    }

    # --- counts: one aggregate for any number of schools -------------------------------

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]:
        """{school id: {kind: counts}}: the one UNION ALL query described above. Each row
        is a school, which part it is (``MFA_ROW``...) and ``COLUMNS`` counts.

        Its SQL is compiled once per schools, viewer, academic years and failure limit
        (``duties.compiled``), the instants it compares with put in at each call."""
        years = _term_years(now, horizon)
        rows = compiled.rows(
            (f"{MODULE}.counts", tuple(ids), owners, tuple(year for year, _due in years),
             _failure_limit()),
            lambda: self._count_query(ids, now=now, horizon=horizon, owners=owners,
                                      years=years),
            instants=(now, horizon, now - MFA_GRACE, horizon - MFA_GRACE, now - _cool_off()))
        result: dict[int, dict[str, OwnedCounts]] = {school_id: {} for school_id in ids}
        for school_id, marker, *figures in rows:
            if marker == TERMS_ROW:
                result[school_id].update(self._terms_counted(years, figures, now, owners))
                continue
            kind = {MFA_ROW: MFA, LOCKED_ROW: LOCKED, INVITATION_ROW: INVITATION}[marker]
            mine_overdue, mine_due, others_overdue, others_due = figures[:4]
            result[school_id][kind] = OwnedCounts(
                mine=DutyCounts(due=mine_due, overdue=mine_overdue),
                others=DutyCounts(due=others_due, overdue=others_overdue))
        return result

    def _count_query(self, ids: list[int], *, now: datetime, horizon: datetime,
                     owners: Owners | None, years: list[tuple[int, date]]) -> QuerySet[Any]:
        """``_counted``'s UNION ALL of grouped counts per school and part."""
        members = _without_second_factor(_members().filter(school_id__in=ids))
        mfa = _four(MFA, Q(created_at__lt=now - MFA_GRACE),
                    Q(created_at__gte=now - MFA_GRACE, created_at__lt=horizon - MFA_GRACE),
                    owners)
        locked_members = (_members().filter(school_id__in=ids).alias(login=Lower("user__email"))
                          .filter(login__in=_locked_logins(now)))
        # A lock is never overdue: it lifts by itself.
        locks = _four(LOCKED, Q(pk__isnull=True), Q(pk__isnull=False), owners)
        invitations = _four(INVITATION, Q(expires_at__lt=now),
                            Q(expires_at__gte=now, expires_at__lt=horizon), owners)
        confirmed = {
            f"confirmed_{index}": Case(
                When(Q(_own_terms(year)) | Q(_trust_terms(year)), then=Value(1)),
                default=Value(0), output_field=IntegerField())
            for index, (year, _due) in enumerate(years)
        }
        padding = {f"none_{n}": Value(0) for n in range(len(confirmed), COLUMNS)}
        schools = (School.objects.filter(pk__in=ids).order_by()
                   .annotate(marker=Value(TERMS_ROW), **confirmed, **padding)
                   .values_list("pk", "marker", *confirmed, *padding))
        return _grouped(members, MFA_ROW, mfa).union(
            _grouped(locked_members, LOCKED_ROW, locks),
            _grouped(_open_invitations().filter(school_id__in=ids), INVITATION_ROW,
                     invitations),
            schools, all=True)

    def _terms_counted(self, years: list[tuple[int, date]], confirmed: list[int],
                       now: datetime, owners: Owners | None) -> dict[str, OwnedCounts]:
        summed = DutyCounts()
        for index, (_year, due_on) in enumerate(years):
            if not confirmed[index]:
                summed = summed + DutyCounts.of(status_for(due_on, now))
        _user, role = OWNED_BY[TERMS]
        if owners is not None and owners.owns(None, role):
            return {TERMS: OwnedCounts(mine=summed)}
        return {TERMS: OwnedCounts(others=summed)}

    # --- lists: one query per kind -------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return [duty for kind in self.kind_labels
                for duty in self.for_kind(school_id, kind, now=now, horizon=horizon)]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The tenancy module has no kind of duty {kind!r}.")
        user, role = OWNED_BY[kind]

        def kept() -> Q:  # built only when a list's SQL is not kept yet
            return kept_by_owner(owners, user, role, mine=mine)

        rows = slice(offset, None if limit is None else offset + limit)
        # What each list's SQL is built from, to keep it (``duties.compiled``): the
        # instants it compares with are put in at each call.
        key = (kind, school_id, owners, mine, rows.start, rows.stop)
        if kind == MFA:
            return self._mfa_missing(school_id, now=now, horizon=horizon, kept=kept, rows=rows,
                                     key=key)
        if kind == LOCKED:
            return self._locked(school_id, now=now, kept=kept, rows=rows, key=key)
        if kind == INVITATION:
            return self._invitations(school_id, now=now, horizon=horizon, kept=kept, rows=rows,
                                     key=key)
        if owners is not None and owners.owns(None, role) != mine:
            return []
        return self._terms(school_id, now=now, horizon=horizon)[rows]

    def _mfa_missing(self, school_id: int, *, now: datetime, horizon: datetime, kept: Kept,
                     rows: slice, key: tuple[Any, ...]) -> list[Duty]:
        def build() -> QuerySet[Any]:
            members = _without_second_factor(
                _members().filter(school_id=school_id, created_at__lt=horizon - MFA_GRACE)
            ).filter(kept()).order_by("created_at", "public_id")
            return members.values_list("public_id", "created_at", "user_id", "user__full_name",
                                       "user__email")[rows]

        url = reverse("mfa_index")
        duties = []
        for public_id, created_at, user_id, full_name, email in compiled.rows(
                key, build, instants=(horizon - MFA_GRACE,)):
            due_at = created_at + MFA_GRACE
            duties.append(
                Duty(
                    key=f"tenancy.mfa-missing:{public_id}",
                    module=MODULE,
                    title="Set up two-factor sign-in",
                    subject=full_name or email,
                    due_at=due_at,
                    status=status_for(due_at, now),
                    url=url,
                    owner_user_id=user_id,
                    owner_label=full_name or email,
                    action="Set up two-factor sign-in",
                    oversight_url=reverse("tenancy:member-edit", args=[public_id]),
                    oversight_permission="members.manage",
                )
            )
        return duties

    def _locked(self, school_id: int, *, now: datetime, kept: Kept, rows: slice,
                key: tuple[Any, ...]) -> list[Duty]:
        cool_off = _cool_off()

        def build() -> QuerySet[Any]:
            members = (
                _members()
                .filter(school_id=school_id)
                .filter(kept())
                .annotate(lifted=_lock_lifted_at(now))
                .filter(lifted__isnull=False)
                .order_by("lifted", "public_id")
            )
            return members.values_list("public_id", "lifted", "user__full_name",
                                       "user__email")[rows]

        url = reverse("accounts:lockout-list")
        duties = []
        for public_id, lifted, full_name, email in compiled.rows(
                (*key, _failure_limit()), build, instants=(now - cool_off,)):
            due_at = lifted + cool_off
            duties.append(
                Duty(
                    key=f"tenancy.account-locked:{public_id}",
                    module=MODULE,
                    title="A member's account is locked after failed sign-ins",
                    subject=full_name or email,
                    due_at=due_at,
                    status=status_for(due_at, now),
                    url=url,
                    owner_role=Role.SIRO,
                    action="Check with them, then unlock",
                    permission="lockouts.manage",
                )
            )
        return duties

    def _invitations(self, school_id: int, *, now: datetime, horizon: datetime, kept: Kept,
                     rows: slice, key: tuple[Any, ...]) -> list[Duty]:
        def build() -> QuerySet[Any]:
            invitations = (_open_invitations()
                           .filter(school_id=school_id, expires_at__lt=horizon)
                           .filter(kept()).order_by("expires_at", "public_id"))
            return invitations.values_list("public_id", "expires_at", "full_name",
                                           "email")[rows]

        url = reverse("tenancy:member-list")
        duties = []
        for public_id, expires_at, full_name, email in compiled.rows(
                key, build, instants=(horizon,)):
            status = status_for(expires_at, now)
            expired = status == OVERDUE
            duties.append(
                Duty(
                    key=f"tenancy.invitation-open:{public_id}",
                    module=MODULE,
                    title=(
                        "An invitation expired before it was accepted"
                        if expired
                        else "An invitation has not been accepted yet"
                    ),
                    subject=full_name or email,
                    due_at=expires_at,
                    status=status,
                    url=url,
                    owner_role=Role.SIRO,
                    permission="members.view",
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
                    # The page shows the estimated dates filled in, to correct and save.
                    title=f"Enter the term dates for {academic_year_label(year)}",
                    subject=f"Academic year {academic_year_label(year)} (estimated dates in use)",
                    due_at=due_on,
                    status=status_for(due_on, now),
                    url=reverse("tenancy:term-edit", args=[year]),
                    permission="terms.manage",
                    owner_role=Role.BUSINESS_MANAGER,
                    action="Check the estimated dates, correct them and save them",
                )
            )
        return duties


provider = register(TenancyDuties())
