"""Duties of taking material off site (module ``removals``), computed when read.

- ``removals.awaiting-approval``: a request awaiting a decision. Due the day it was asked,
  overdue from the day after.
- ``removals.return-overdue``: approved material not yet recorded as returned (and not
  reported lost). Due on ``ends_on`` (a standing approval: the day its period ends), listed
  once that day falls before the horizon, overdue after it.

Owner: whoever decides the request (``selectors.with_approver``): the asset owner's account,
else the SIRO; never the person taking it or whoever asked (when a SIRO is one of them, the
duty is named to another SIRO, else to a DPO). The title names nobody and no asset (it
leaves the school in reminders and calendar feeds); the subject, shown only inside
Schoolkeep, names what is taken and by whom.

Queries: ``counts`` is ONE aggregate over the requests of every school, grouped by school;
``for_school`` one listing query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import DUE, LONDON, OVERDUE, Duty, DutyCounts, local_date
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.selectors import with_approver

MODULE = "removals"
AWAITING = f"{MODULE}.awaiting-approval"
RETURN = f"{MODULE}.return-overdue"
TITLES = {AWAITING: "Decide a request to take data off site",
          RETURN: "Check that data taken off site has come back"}


def _start_of(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _awaiting() -> Q:
    return Q(status=Removal.Status.REQUESTED)


def _out(until: Any) -> Q:
    return Q(status=Removal.Status.APPROVED, incident__isnull=True, ends_on__lt=until)


class RemovalDuties:
    module = MODULE
    label = "Taking data off site"
    view_permission = "removals.view"
    kind_labels = {AWAITING: "Requests to take data off site awaiting a decision",
                   RETURN: "Data taken off site not recorded as returned"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = sorted(set(school_ids))
        if not ids:
            return {}
        today, until = local_date(now), local_date(horizon)
        start = _start_of(today)
        rows = (Removal.objects.filter(school_id__in=ids).filter(_awaiting() | _out(until))
                .order_by().values("school_id")
                .annotate(late=Count("pk", filter=(_awaiting() & Q(requested_at__lt=start))
                                     | Q(status=Removal.Status.APPROVED, ends_on__lt=today)),
                          n=Count("pk"))
                .values_list("school_id", "late", "n"))
        return {school_id: DutyCounts(due=n - late, overdue=late)
                for school_id, late, n in rows if n}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today, until = local_date(now), local_date(horizon)
        rows = (with_approver(Removal.objects.filter(school_id=school_id)
                              .filter(_awaiting() | _out(until)), today)
                .order_by("requested_at", "pk")
                .values_list("public_id", "status", "description",  # type: ignore[misc]
                             "person__full_name",
                             "asset__name", "requested_at", "ends_on", "approver",
                             "asset__owner_person__full_name",
                             "asset__owner_person__user_id"))
        return [self._duty(row, today) for row in rows]

    def _duty(self, row: tuple[Any, ...], today: Any) -> Duty:
        (public_id, status, description, taker, asset, requested_at, ends_on, approver,
         owner_name, owner_user) = row
        if status == Removal.Status.REQUESTED:
            kind, due = AWAITING, local_date(requested_at)
            subject = f"{taker} asks to take {description} ({asset}) off site"
            action = "Approve or refuse the request"
        else:
            kind, due = RETURN, ends_on
            subject = f"{description} ({asset}), taken by {taker}: due back"
            action = "Record its return, or report it lost"
        owner: dict[str, Any] = {"owner_role": Role.SIRO}
        if approver is not None:
            # The owner's name when the owner decides; a deputy SIRO or DPO is labelled by
            # the duties layer.
            owner = {"owner_user_id": approver,
                     "owner_label": (owner_name or "") if approver == owner_user else ""}
        return Duty(
            key=f"{kind}:{public_id}", module=MODULE, title=TITLES[kind], subject=subject,
            due_at=due, status=OVERDUE if due < today else DUE,
            url=reverse("transfers:removal-detail", args=[public_id]),
            permission="removals.request", action=action, order_at=requested_at, **owner)


provider = RemovalDuties()


def register() -> None:
    register_provider(provider)
