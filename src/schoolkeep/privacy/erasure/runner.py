"""The erasure run: what is due in each school, what must wait and why, and the erasure.

For each school and each registered provider, ``run_erasure`` asks what is past its period
(``due``), which of those must wait (``holds``), and erases the rest in batches, each batch
in its own transaction: the provider erases, then each record gets an ``erasure.erased``
audit event (its kind and period, never a before-value) and a tombstone with its ledger
line. A batch refused by the database (a row still protected: a provider missing) is split
until the record at fault is found; it waits with the reason, and the others go on. After
the run, one destruction log entry per school and record type says how many were erased.
A dry run does everything but the erasing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from schoolkeep.audit.context import audit_context
from schoolkeep.audit.services import audit_record_many
from schoolkeep.lib.errors import DomainError
from schoolkeep.privacy.erasure.registry import DueItem, ErasureProvider, providers
from schoolkeep.privacy.erasure.tombstones import Erased, public_ids, tombstone_many

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
DRY_RUN_LIMIT = 100_000  # per provider and school: far more than any school holds
ACTOR_LABEL = "Schoolkeep (retention schedule)"
PROTECTED = "Another record still points at it; Schoolkeep will try again at the next run."


@dataclass(frozen=True)
class Waiting:
    item: DueItem
    reason: str


@dataclass
class SchoolReport:
    school_id: int
    school_name: str
    due: list[DueItem] = field(default_factory=list)  # erased, or would be on a dry run
    waiting: list[Waiting] = field(default_factory=list)


@dataclass
class ErasureReport:
    today: date
    dry_run: bool
    schools: list[SchoolReport] = field(default_factory=list)

    @property
    def erased_count(self) -> int:
        return 0 if self.dry_run else sum(len(s.due) for s in self.schools)

    @property
    def waiting_count(self) -> int:
        return sum(len(s.waiting) for s in self.schools)


def _schools(school: Any) -> list[Any]:
    from schoolkeep.tenancy.models import School

    if school is not None:
        return [school]
    return list(School.objects.order_by("pk"))


def run_erasure(school: Any = None, *, today: date | None = None, dry_run: bool = False,
                batch_size: int = BATCH_SIZE, now: datetime | None = None) -> ErasureReport:
    """Erase (or, on a dry run, list) everything past its period in one school or all."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    report = ErasureReport(today=today, dry_run=dry_run)
    with audit_context(actor_label=ACTOR_LABEL):
        for each in _schools(school):
            result = SchoolReport(school_id=each.pk, school_name=str(each))
            for provider in providers():
                _run_provider(provider, each, result, today=today, now=now, dry_run=dry_run,
                              batch_size=batch_size)
            if not dry_run:
                _log_destructions(each, result.due, today=today)
            if result.due or result.waiting:
                report.schools.append(result)
    return report


def _run_provider(provider: ErasureProvider, school: Any, result: SchoolReport, *,
                  today: date, now: datetime, dry_run: bool, batch_size: int) -> None:
    if dry_run:  # nothing changes meanwhile: one list, its holds asked batch by batch
        listed = provider.due(school, today=today, limit=DRY_RUN_LIMIT)
        for start in range(0, len(listed), batch_size):
            chunk = listed[start:start + batch_size]
            holds = provider.holds(school, chunk)
            result.due.extend(i for i in chunk if i.pk not in holds)
            result.waiting.extend(Waiting(i, holds[i.pk]) for i in chunk if i.pk in holds)
        return
    # Held and refused items stay due, and a provider that keeps a row it erased (the
    # breach log keeps an incident's row) may list it again: each listing asks for room past
    # those already handled, and a full listing of handled ones only is asked again, larger,
    # so every item is handled once and the loop always ends.
    seen: set[tuple[str, int]] = set()
    limit = batch_size
    while True:
        listed = provider.due(school, today=today, limit=limit)
        items = [i for i in listed if (i.model_label, i.pk) not in seen][:batch_size]
        if not items:
            if len(listed) < limit:
                return
            limit *= 2
            continue
        holds = provider.holds(school, items)
        ready = [i for i in items if i.pk not in holds]
        result.waiting.extend(Waiting(i, holds[i.pk]) for i in items if i.pk in holds)
        erased, refused = _erase_batch(provider, school, ready, now=now)
        result.due.extend(erased)
        result.waiting.extend(Waiting(i, PROTECTED) for i in refused)
        seen.update((i.model_label, i.pk) for i in items)
        still_listed = len(listed) - len(items) + len(holds) + len(refused)
        limit = still_listed + batch_size


def _erase_batch(provider: ErasureProvider, school: Any, items: list[DueItem], *,
                 now: datetime) -> tuple[list[DueItem], list[DueItem]]:
    """(erased, refused): a refused batch is halved until the records at fault are alone."""
    if not items:
        return [], []
    try:
        erase_items(provider, school, items, now=now)
    except ProtectedError:
        if len(items) == 1:
            logger.warning("Erasure of %s %s refused: a protected row points at it",
                           items[0].model_label, items[0].pk)
            return [], items
        middle = len(items) // 2
        first = _erase_batch(provider, school, items[:middle], now=now)
        second = _erase_batch(provider, school, items[middle:], now=now)
        return first[0] + second[0], first[1] + second[1]
    return items, []


def erase_items(provider: ErasureProvider, school: Any, items: list[DueItem], *,
                now: datetime, reapplied: bool = False) -> int:
    """Erase these items in one transaction: the provider's erasure, an audit event each,
    their tombstones and ledger lines (not again when re-applied after a restore)."""
    with transaction.atomic():
        ids: dict[tuple[str, int], str] = {}
        for label in {i.model_label for i in items}:
            found = public_ids(label, [i.pk for i in items if i.model_label == label])
            ids.update(((label, pk), public_id) for pk, public_id in found.items())
        count = provider.erase(school, items, now=now)
        school_id = getattr(school, "pk", school)
        audit_record_many([
            {"action": "erasure.reapplied" if reapplied else "erasure.erased",
             "school": school_id, "target_type": i.model_label,
             "target_id": ids[(i.model_label, i.pk)], "target_label": i.description,
             "changes": {"record_type": i.record_type_key, "period_ended_on": i.ends_on}}
            for i in items])
        erased = [Erased(provider=provider.name, model_label=i.model_label, pk=i.pk,
                         subject_id=ids[(i.model_label, i.pk)], school_id=school_id,
                         record_type_key=i.record_type_key) for i in items]
        if reapplied:
            tombstone_many(erased, now=now, ledger=False)
        else:
            tombstone_many(erased, now=now)
    return count


def _log_destructions(school: Any, erased: list[DueItem], *, today: date) -> None:
    """One destruction log entry per record type erased in this run."""
    from schoolkeep.privacy.schedule.models import RecordType
    from schoolkeep.privacy.schedule.selectors import effective_record_type

    by_type: dict[str, list[DueItem]] = defaultdict(list)
    for item in erased:
        by_type[item.record_type_key].append(item)
    for key, items in sorted(by_type.items()):
        try:
            record_type = effective_record_type(school, key)
        except RecordType.DoesNotExist:
            logger.error("Erasure of %s: no record type %r in the schedule", school.pk, key)
            continue
        ends = sorted(i.ends_on for i in items)
        try:
            _log_one(school, record_type, items, ends, today=today)
        except DomainError:  # the records are erased already: say so, go on with the rest
            logger.exception("The destruction log entry of %s for %s was refused",
                             key, school.pk)


def _log_one(school: Any, record_type: Any, items: list[DueItem], ends: list[date], *,
             today: date) -> None:
    from schoolkeep.privacy.destruction.services import destruction_record

    destruction_record(
        school=school, actor=None, record_type=record_type,
        description=(f"Schoolkeep erased {len(items)} "
                     f"{'record' if len(items) == 1 else 'records'} of "
                     f"\"{record_type.name}\" past the schedule's period"),
        method="schoolkeep_erasure", source="schoolkeep", destroyed_on=today,
        destroyed_by_label="Schoolkeep", quantity=len(items),
        records_from=ends[0], records_to=ends[-1])
