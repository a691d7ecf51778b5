"""The erasure run: what is due in each school, what must wait and why, and the erasure.

For each school and each registered provider, ``run_erasure`` asks what is past its period
(``due``), which of those must wait (``holds``), and erases the rest in batches, each batch
in its own transaction: the provider erases, then each record gets an ``erasure.erased``
audit event (its kind and period, never a before-value) and a tombstone with its ledger
line, and the destruction log entry per record type of the batch (a run killed half-way
loses no entry). Inside the batch's transaction the rows are locked and the holds asked
again (a hold added meanwhile wins). A record already tombstoned is not erased twice. A
batch refused by the database (a row still protected: a provider missing) is split until
the record at fault is found; it waits with the reason, and the others go on. A provider or
a school that fails is logged and the run goes on with the others. A dry run does
everything but the erasing.
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
from schoolkeep.privacy.erasure.holds import record_holds
from schoolkeep.privacy.erasure.models import Tombstone
from schoolkeep.privacy.erasure.registry import DueItem, ErasureProvider, providers, run_date_set
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
    with audit_context(actor_label=ACTOR_LABEL), run_date_set(today):
        for each in _schools(school):
            result = SchoolReport(school_id=each.pk, school_name=str(each))
            try:
                for provider in providers():
                    try:
                        _run_provider(provider, each, result, today=today, now=now,
                                      dry_run=dry_run, batch_size=batch_size)
                    except Exception:  # one provider's fault must not stop the night's run
                        logger.exception("Erasure provider %s failed in school %s",
                                         provider.name, each.pk)
            except Exception:  # nor one school's
                logger.exception("Erasure failed in school %s", each.pk)
            if result.due or result.waiting:
                report.schools.append(result)
    return report


def _all_holds(provider: ErasureProvider, school: Any,
               items: list[DueItem]) -> dict[tuple[str, int], str]:
    """(label, pk) -> why it waits: the provider's reasons, then the DPO's record holds."""
    if not items:
        return {}
    by_pk = provider.holds(school, items)
    reasons = {_key(i): by_pk[i.pk] for i in items if i.pk in by_pk}
    reasons.update(record_holds(school, items))
    return reasons


def _run_provider(provider: ErasureProvider, school: Any, result: SchoolReport, *,
                  today: date, now: datetime, dry_run: bool, batch_size: int) -> None:
    if dry_run:  # nothing changes meanwhile: one list, its holds asked batch by batch
        listed = provider.due(school, today=today, limit=DRY_RUN_LIMIT)
        for start in range(0, len(listed), batch_size):
            chunk = listed[start:start + batch_size]
            holds = _all_holds(provider, school, chunk)
            result.due.extend(i for i in chunk if _key(i) not in holds)
            result.waiting.extend(Waiting(i, holds[_key(i)]) for i in chunk if _key(i) in holds)
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
        holds = _all_holds(provider, school, items)
        ready = [i for i in items if _key(i) not in holds]
        result.waiting.extend(Waiting(i, holds[_key(i)]) for i in items if _key(i) in holds)
        erased, refused = _erase_batch(provider, school, ready, now=now, today=today)
        result.due.extend(erased)
        result.waiting.extend(w for w in refused)
        seen.update(_key(i) for i in items)
        still_listed = len(listed) - len(items) + len(holds) + len(refused)
        limit = still_listed + batch_size


def _key(item: DueItem) -> tuple[str, int]:
    return item.model_label, item.pk


def _erase_batch(provider: ErasureProvider, school: Any, items: list[DueItem], *,
                 now: datetime, today: date) -> tuple[list[DueItem], list[Waiting]]:
    """(erased, waiting): a refused batch is halved until the records at fault are alone;
    a record held since it was listed waits with its reason."""
    if not items:
        return [], []
    try:
        erased, held = erase_items(provider, school, items, now=now, today=today)
    except ProtectedError:
        if len(items) == 1:
            logger.warning("Erasure of %s %s refused: a protected row points at it",
                           items[0].model_label, items[0].pk)
            return [], [Waiting(items[0], PROTECTED)]
        middle = len(items) // 2
        first = _erase_batch(provider, school, items[:middle], now=now, today=today)
        second = _erase_batch(provider, school, items[middle:], now=now, today=today)
        return first[0] + second[0], first[1] + second[1]
    return erased, [Waiting(i, why) for i, why in held.items()]


def _lock(items: list[DueItem]) -> None:
    """Lock the rows about to be erased (PostgreSQL; SQLite locks the whole database on
    the first write), so a hold added meanwhile is seen by the check that follows."""
    from django.apps import apps

    for label in {i.model_label for i in items}:
        model = apps.get_model(label)
        list(model._default_manager.select_for_update()
             .filter(pk__in=[i.pk for i in items if i.model_label == label])
             .values_list("pk", flat=True))


def _already_erased(items: list[DueItem], ids: dict[tuple[str, int], str]) -> set[tuple[str, int]]:
    """The items whose record has a tombstone already (erased by an earlier run, or by
    another provider listing the same record): erased once, never twice."""
    done: set[tuple[str, int]] = set()
    for label in {i.model_label for i in items}:
        wanted = {ids[_key(i)]: _key(i) for i in items if i.model_label == label}
        done.update(wanted[s] for s in Tombstone.objects.filter(
            subject_type=label, subject_id__in=list(wanted)).values_list("subject_id", flat=True))
    return done


def erase_items(provider: ErasureProvider, school: Any, items: list[DueItem], *,
                now: datetime, today: date | None = None, reapplied: bool = False,
                ) -> tuple[list[DueItem], dict[DueItem, str]]:
    """Erase these items in one transaction: the rows locked and the holds asked again
    (not when re-applied: they were erased once with none in the way), records tombstoned
    already left out, the provider's erasure, an audit event each, their tombstones and
    ledger lines (not again when re-applied after a restore) and the destruction log's
    entries. (erased, held: item -> reason)."""
    with transaction.atomic():
        _lock(items)
        held: dict[DueItem, str] = {}
        if not reapplied:
            reasons = _all_holds(provider, school, items)
            held = {i: reasons[_key(i)] for i in items if _key(i) in reasons}
            items = [i for i in items if i not in held]
        ids: dict[tuple[str, int], str] = {}
        for label in {i.model_label for i in items}:
            found = public_ids(label, [i.pk for i in items if i.model_label == label])
            ids.update(((label, pk), public_id) for pk, public_id in found.items())
        done = _already_erased(items, ids)
        items = [i for i in items if _key(i) not in done]
        if not items:
            return [], held
        provider.erase(school, items, now=now)
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
            _log_destructions(school, items, today=today or timezone.localdate(now))
    return items, held


def _log_destructions(school: Any, erased: list[DueItem], *, today: date) -> None:
    """One destruction log entry per record type erased in this batch."""
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
