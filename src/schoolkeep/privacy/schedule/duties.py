"""Duties of the retention schedule (module ``retention``), computed when read:

- ``retention.destruction-due``: an asset holding a record type whose event Schoolkeep
  knows (``due``: staff files and the Single Central Record, by leaving dates) has records
  past their period that no destruction log entry covers. The asset owner's (while they are
  at the school), else the DPO's. Due on the day the oldest of them passed its period.
- ``retention.review-due``: a record type held by a current asset, not reviewed in the last
  12 months (never reviewed: 12 months after the first asset holding it was added). The
  DPO's.

Titles name no asset or person (they leave the school in reminders); the subject names the
asset and the type. ``counts`` and ``for_school`` read ``due`` (a constant number of
queries for any number of schools).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, is_before_horizon, local_date, status_for
from schoolkeep.privacy.schedule.due import due_groups, reviews_due
from schoolkeep.tenancy.roles import Role

MODULE = "retention"
DESTRUCTION = f"{MODULE}.destruction-due"
REVIEW = f"{MODULE}.review-due"
TITLES = {DESTRUCTION: "Destroy records past their retention period",
          REVIEW: "Review a record type of the retention schedule"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class RetentionDuties:
    module = MODULE
    label = "Retention"
    view_permission = "retention.view"
    kind_labels = {DESTRUCTION: "Records due for destruction",
                   REVIEW: "Record types without a yearly review"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        today, until = local_date(now), local_date(horizon)
        result: dict[int, DutyCounts] = {}
        for school_id, groups in due_groups(school_ids, today=today).items():
            for group in groups:
                result[school_id] = (result.get(school_id, DutyCounts())
                                     + DutyCounts.of(status_for(group.due_on, now)))
        for school_id, items in reviews_due(school_ids, until=until).items():
            for item in items:
                result[school_id] = (result.get(school_id, DutyCounts())
                                     + DutyCounts.of(status_for(item.due_on, now)))
        return result

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        today, until = local_date(now), local_date(horizon)
        duties = []
        due_url = reverse("retention:due")
        for group in due_groups([school_id], today=today).get(school_id, []):
            owner = ({"owner_user_id": group.owner_user_id} if group.owner_user_id
                     else {"owner_role": Role.DPO})
            duties.append(Duty(
                key=f"{DESTRUCTION}:{group.asset_public_id}:{group.record_type.key}",
                module=MODULE, title=TITLES[DESTRUCTION],
                subject=(f"{group.asset_name}: {group.record_type.name}, "
                         f"{_plural(group.count, 'person')}'s records past their period"),
                due_at=group.due_on, status=status_for(group.due_on, now), url=due_url,
                permission="retention.view",
                action="Destroy them, then record the destruction", **owner))
        for item in reviews_due([school_id], until=until).get(school_id, []):
            if not is_before_horizon(item.due_on, horizon):
                continue
            last = (f"last reviewed on {item.last_reviewed_on:%d/%m/%Y}"
                    if item.last_reviewed_on else "never reviewed")
            duties.append(Duty(
                key=f"{REVIEW}:{item.record_type.public_id}", module=MODULE,
                title=TITLES[REVIEW], subject=f"{item.record_type.name}: {last}",
                due_at=item.due_on, status=status_for(item.due_on, now),
                url=reverse("retention:type-review", args=[item.record_type.public_id]),
                permission="retention.manage", owner_role=Role.DPO,
                action="Check the records held and record the review"))
        return duties


provider = RetentionDuties()


def register() -> None:
    register_provider(provider)
