"""Duties of the digital housekeeping (module ``housekeeping``), computed when read.

One kind, ``housekeeping.unconfirmed``: a person asked in an open campaign who has not
confirmed, and whose linked account is an active member of the school. Owner: that member
themselves, who confirms on the page the duty links to; none once they have left. Due on
the campaign's confirm-by date, overdue after it, until they confirm or the campaign
closes. People without an account have no duty: their personal link and the SIRO's
campaign page follow them up.

``counts`` is ONE aggregate for any number of schools; ``kind_counts`` the same for one
school split into the viewer's and the others'; ``for_kind`` one query, in order of
urgency, sliced in SQL. The title names nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import (
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    count_owned,
    kept_by_owner,
    local_date,
    split_by_owner,
    status_for,
)
from schoolkeep.housekeeping.models import Confirmation
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.models import Membership

MODULE = "housekeeping"
KIND = f"{MODULE}.unconfirmed"
TITLE = "Confirm your digital housekeeping"
OWNER = "person__user_id"  # the named owner's column; never falls to a role
ROLE = "siro"


def _pending(school_ids: Sequence[int], now: datetime, horizon: datetime
             ) -> QuerySet[Confirmation]:
    """Open campaigns' confirmations not given, of people who have not left and have an
    active membership, due before the horizon."""
    member = Membership.objects.filter(school_id=OuterRef("school_id"),
                                       user_id=OuterRef("person__user_id"), is_active=True,
                                       user__is_active=True)
    return (Confirmation.objects.filter(school_id__in=list(school_ids),
                                        confirmed_at__isnull=True,
                                        campaign__closed_at__isnull=True,
                                        campaign__closes_on__lt=local_date(horizon),
                                        person__user__isnull=False)
            .filter(current_q(local_date(now), prefix="person__"))
            .filter(Exists(member)))


class HousekeepingDuties:
    module = MODULE
    label = "Digital housekeeping"
    view_permission = "housekeeping.view"
    kind_labels = {KIND: "Digital housekeeping not yet confirmed"}

    def _grouped(self, ids: list[int], now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, OwnedCounts]:
        today = local_date(now)
        overdue, due = Q(campaign__closes_on__lt=today), Q(campaign__closes_on__gte=today)
        mine, others = split_by_owner(owners, OWNER, ROLE)
        rows = (_pending(ids, now, horizon).order_by().values("school_id")
                .annotate(a=count_owned(overdue, mine), b=count_owned(due, mine),
                          c=count_owned(overdue, others), d=count_owned(due, others))
                .values_list("school_id", "a", "b", "c", "d"))
        return {school_id: OwnedCounts(mine=DutyCounts(due=b, overdue=a),
                                       others=DutyCounts(due=d, overdue=c))
                for school_id, a, b, c, d in rows}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = list(dict.fromkeys(school_ids))
        if not ids:
            return {}
        return {school_id: owned.total
                for school_id, owned in self._grouped(ids, now, horizon, None).items()}

    def kind_counts(self, school_id: int, *, now: datetime, horizon: datetime,
                    owners: Owners | None = None) -> dict[str, OwnedCounts]:
        counted = self._grouped([school_id], now, horizon, owners).get(school_id)
        return {KIND: counted} if counted is not None else {}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return self.for_kind(school_id, KIND, now=now, horizon=horizon)

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind != KIND:
            raise ValueError(f"The housekeeping module has no kind of duty {kind!r}.")
        rows = (_pending([school_id], now, horizon)
                .filter(kept_by_owner(owners, OWNER, ROLE, mine=mine))
                .order_by("campaign__closes_on", "campaign__launched_at", "public_id")
                .values_list("public_id", "campaign__title", "campaign__closes_on",
                             "campaign__launched_at", "campaign__public_id",
                             "person__user_id", "person__full_name"))
        rows = rows[offset:None if limit is None else offset + limit]
        return [self._duty(row, now) for row in rows]

    def _duty(self, row: Any, now: datetime) -> Duty:
        public_id, title, closes_on, launched_at, campaign_id, user_id, name = row
        return Duty(
            key=f"{KIND}:{public_id}", module=MODULE, title=TITLE,
            subject=f"{title}: {name}, confirm by {closes_on:%d/%m/%Y}",
            due_at=closes_on, status=status_for(closes_on, now),
            url=reverse("housekeeping:confirm", args=[public_id]),
            permission="housekeeping.confirm", owner_user_id=user_id, owner_label=name,
            action="Confirm your digital housekeeping",
            oversight_url=reverse("housekeeping:campaign-detail", args=[campaign_id]),
            oversight_permission="housekeeping.view", order_at=launched_at)


provider = HousekeepingDuties()


def register() -> None:
    register_provider(provider)
