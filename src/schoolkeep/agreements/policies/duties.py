"""Duties of the policy register, computed when read. Archived policies raise nothing.

Two kinds:

- ``policy-review``: a policy whose next review date has come within the horizon or passed.
  Due on its ``next_review_on`` (for a term, the term's last day as stored). Owner: the
  policy's owner while they are an active member of the school, else the SIRO (the duties
  layer falls back to the SIRO for an owner who has left). A policy with a version waiting
  for the governors raises none: the owner has done their part, and the governors' duty
  below shows instead.
- ``policy-approval``: a version waiting for a governor's approval. Listed from the day it is
  sent, whatever the horizon, due ``APPROVAL_WITHIN`` (14 days) after it was sent. Owner:
  the governors (the SIRO when the school has none).

Titles name no policy (they leave the school in reminders and calendar feeds): the policy's
title is the duty's ``subject``.

``counts`` is ONE query for any number of schools; ``for_school`` runs one (both kinds, UNION
ALL), from SQL compiled once and kept (``duties.compiled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
)
from django.urls import reverse

from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.duties import compiled
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import LONDON, Duty, DutyCounts, count_subquery, local_date, status_for
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

MODULE = "policies"
APPROVAL_WITHIN = timedelta(days=14)
REVIEW_ROW, APPROVAL_ROW = 1, 2  # which kind a row of ``PolicyDuties._listed`` is


def _day_start(day: date) -> datetime:
    """Midnight in Europe/London at the start of ``day``, as an aware instant."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _waiting_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_REVIEW,
                                        policy__archived_at__isnull=True)


def _reviews() -> QuerySet[Policy]:
    """Current policies with a next review date and no version waiting for approval."""
    waiting = PolicyVersion.objects.filter(policy=OuterRef("pk"),
                                           status=PolicyVersion.Status.IN_REVIEW)
    return (Policy.objects.filter(archived_at__isnull=True, next_review_on__isnull=False)
            .exclude(Exists(waiting)))


def _approval_overdue_before(today: date) -> datetime:
    """A version sent before this instant is past its approval date."""
    return _day_start(today - APPROVAL_WITHIN)


class PolicyDuties:
    module = MODULE
    label = "Policies and their reviews"
    kind_labels = {
        f"{MODULE}.policy-review": "Policies due for review",
        f"{MODULE}.policy-approval": "Policy versions waiting for the governors' approval",
    }

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = list(school_ids)
        if not ids:
            return {}
        today, until = local_date(now), local_date(horizon)
        # Compiled once per schools and kept; the days and the approvals' midnight put in.
        rows = compiled.rows((MODULE, "counts", tuple(ids)),
                             lambda: self._counted(ids, today, until), dates=(today, until),
                             instants=(_approval_overdue_before(today),))
        return {
            school_id: DutyCounts(due=review_due + approval_due,
                                  overdue=review_overdue + approval_overdue)
            for school_id, review_overdue, review_due, approval_overdue, approval_due in rows
        }

    def _counted(self, ids: list[int], today: date, until: date) -> QuerySet[Any]:
        """Per school: reviews overdue and due, approvals overdue and due (COUNT
        subqueries)."""
        school = OuterRef("pk")
        reviews = _reviews().filter(school_id=school)
        waiting = _waiting_versions().filter(school_id=school)
        late = _approval_overdue_before(today)
        annotations: dict[str, Any] = {
            "review_overdue": count_subquery(reviews.filter(next_review_on__lt=today)),
            "review_due": count_subquery(reviews.filter(next_review_on__gte=today,
                                                        next_review_on__lt=until)),
            "approval_overdue": count_subquery(waiting.filter(sent_for_review_at__lt=late)),
            "approval_due": count_subquery(waiting.exclude(sent_for_review_at__lt=late)),
        }
        return (School.objects.filter(pk__in=ids).order_by().annotate(**annotations)
                .values_list("pk", *annotations))

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        """Reviews and approvals from one query (UNION ALL), its SQL compiled once per school
        and kept (``duties.compiled``), the horizon's day put in: it compares with no
        instant."""
        until = local_date(horizon)
        rows = compiled.rows((MODULE, "lists", school_id),
                             lambda: self._listed(school_id, until), dates=(until,))
        duties = []
        for marker, public_id, title, review_on, owner_id, name, email, number, sent in rows:
            if marker == REVIEW_ROW:
                duties.append(self._review(public_id, title, review_on, owner_id, name, email,
                                           now=now))
            else:
                duties.append(self._approval(public_id, title, number, sent, now=now))
        return duties

    def _listed(self, school_id: int, until: date) -> QuerySet[Any]:
        """(marker, public id, title, review date, owner's id, name and e-mail, version
        number, sent for review at): a policy due for review or a version waiting."""
        reviews = (_reviews().filter(school_id=school_id, next_review_on__lt=until).order_by()
                   .annotate(marker=Value(REVIEW_ROW),
                             no_number=Value(None, output_field=IntegerField()),
                             no_sent=Value(None, output_field=DateTimeField()))
                   .values_list("marker", "public_id", "title", "next_review_on", "owner_id",
                                "owner__full_name", "owner__email", "no_number", "no_sent"))
        approvals = (_waiting_versions().filter(school_id=school_id).order_by()
                     .annotate(marker=Value(APPROVAL_ROW),
                               no_review=Value(None, output_field=DateField()),
                               no_owner=Value(None, output_field=IntegerField()),
                               no_name=Value(None, output_field=CharField()),
                               no_email=Value(None, output_field=CharField()))
                     .values_list("marker", "public_id", "policy__title", "no_review",
                                  "no_owner", "no_name", "no_email", "number",
                                  "sent_for_review_at"))
        return reviews.union(approvals, all=True)

    def _review(self, public_id: Any, title: str, review_on: date, owner_id: int | None,
                name: str | None, email: str | None, *, now: datetime) -> Duty:
        owner: dict[str, Any] = {"owner_role": Role.SIRO}
        if owner_id is not None:
            owner = {"owner_user_id": owner_id, "owner_label": name or email}
        return Duty(
            key=f"{MODULE}.policy-review:{public_id}", module=MODULE,
            title="Review a school policy", subject=title,
            due_at=review_on, status=status_for(review_on, now),
            url=reverse("policies:policy-detail", args=[public_id]), permission="policies.view",
            action="Review the policy and send a new version to the governors",
            **owner)

    def _approval(self, public_id: Any, title: str, number: int, sent: datetime | None, *,
                  now: datetime) -> Duty:
        due_on = (local_date(sent) if sent is not None else local_date(now)) + APPROVAL_WITHIN
        return Duty(
            key=f"{MODULE}.policy-approval:{public_id}", module=MODULE,
            title="Approve a school policy as a governor",
            subject=f"{title}, version {number}",
            due_at=due_on, status=status_for(due_on, now),
            url=reverse("policies:version-approve", args=[public_id]),
            permission="policies.approve",
            oversight_url=reverse("policies:version-detail", args=[public_id]),
            oversight_permission="policies.view",
            action="Read the policy, then approve it or send it back",
            owner_role=Role.GOVERNOR)


provider = PolicyDuties()


def register() -> None:
    register_provider(provider)
