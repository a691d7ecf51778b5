"""The duty of the governor pack (module ``governor_pack``), computed when read, for the SIRO:

- ``governor_pack.due``: this term's governor pack not yet recorded as received by the
  governing body. Once a term (``duties.cadence`` TERMLY): due on the last day of the term
  after the one in which the latest pack was received (a meeting in the holidays counts for
  the term that follows); a school that has never recorded one is due at the end of the
  term it started using Schoolkeep in. Listed from the horizon before, overdue after
  (``status.pack_dues``). The link is the packs page, where the pack is built and its
  reception recorded.

``counts`` and ``for_school`` both read ``status.pack_dues``: two queries (the schools, their
terms) for any number of schools, and at most one duty per school. The title names no
one; it leaves the school in reminders and calendar feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse

from schoolkeep.compliance.pack.status import PackDue, pack_dues
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, is_before_horizon, local_date, status_for
from schoolkeep.tenancy.roles import Role

MODULE = "governor_pack"
DUE = f"{MODULE}.due"
TITLE = "Give the governing body this term's governor pack"


def _listed(school_ids: Sequence[int], now: datetime, horizon: datetime) -> list[PackDue]:
    return [due for due in pack_dues(school_ids, today=local_date(now)).values()
            if is_before_horizon(due.due.on, horizon)]


def _subject(due: PackDue) -> str:
    last = (f"the last was received on {due.last_received:%d/%m/%Y}" if due.last_received
            else "none has been recorded as received yet")
    estimated = ", on estimated term dates" if due.due.estimated else ""
    return (f"The governing body has not yet received the {due.term.label} governor pack"
            f" ({last}{estimated})")


class GovernorPackDuties:
    module = MODULE
    label = "Governor pack"
    view_permission = "compliance.view"
    kind_labels = {DUE: "This term's governor pack, not yet received by the governors"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        result: dict[int, DutyCounts] = {}
        for due in _listed(school_ids, now, horizon):
            result[due.school_id] = (result.get(due.school_id, DutyCounts())
                                     + DutyCounts.of(status_for(due.due.on, now)))
        return result

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        url = reverse("compliance:pack-list")
        return [Duty(key=f"{DUE}:{due.term.starts_on.isoformat()}", module=MODULE, title=TITLE,
                     subject=_subject(due), due_at=due.due.on,
                     status=status_for(due.due.on, now), url=url,
                     permission="compliance.view", owner_role=Role.SIRO,
                     action="Build the pack or record that the governors received it")
                for due in _listed([school_id], now, horizon)]


provider = GovernorPackDuties()


def register() -> None:
    register_provider(provider)
