"""Re-applying the tombstone ledger after a restore.

A restored database is as old as its backup: it may hold records erased since. For every
ledger line whose record exists again (the same id, public id and school) and has no
tombstone, its provider erases it again (in batches, with an ``erasure.reapplied`` audit
event each and its tombstone; no new ledger line). A record already gone or already erased
costs nothing, so re-applying twice changes nothing. Holds are not asked again: the record
was erased once, with none in the way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.apps import apps
from django.utils import timezone

from schoolkeep.audit.context import audit_context
from schoolkeep.privacy.erasure.ledger import LedgerLine, read_ledger
from schoolkeep.privacy.erasure.models import Tombstone
from schoolkeep.privacy.erasure.registry import DueItem, provider
from schoolkeep.privacy.erasure.runner import ACTOR_LABEL, BATCH_SIZE, erase_items

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReapplyResult:
    lines: int  # lines read from the ledger
    erased_again: int  # records the restored database held again, erased again
    skipped: int  # lines whose provider or school is gone (logged)


def _erased_on(line: LedgerLine) -> date:
    try:
        return datetime.fromisoformat(line.erased_at).date()
    except ValueError:
        return timezone.localdate()


def _same_records(label: str, by_pk: dict[int, LedgerLine], school_id: int | None) -> list[int]:
    """The pks of the ledger's records the database holds again: the same id, the same
    public id and the same school (a pk reused after a restore is someone else), and not
    erased already (a tombstone: a record whose row is kept, erased once, is not again)."""
    model = apps.get_model(label)
    fields = {f.attname for f in model._meta.concrete_fields}
    columns = ["pk", "public_id" if "public_id" in fields else "pk",
               "school_id" if "school_id" in fields else "pk"]
    rows = model._default_manager.filter(pk__in=list(by_pk)).values_list(*columns)
    same = [pk for pk, public_id, school in rows
            if str(public_id) == by_pk[pk].subject_id
            and ("school_id" not in fields or school == school_id)]
    tombstoned = set(Tombstone.objects.filter(
        subject_type=label, subject_id__in=[by_pk[pk].subject_id for pk in same])
        .values_list("subject_id", flat=True))
    return sorted(pk for pk in same if by_pk[pk].subject_id not in tombstoned)


def reapply_ledger(path: Path | None = None, *, now: datetime | None = None) -> ReapplyResult:
    from schoolkeep.tenancy.models import School

    now = now or timezone.now()
    groups: dict[tuple[str, int | None, str], list[LedgerLine]] = defaultdict(list)
    count = 0
    for line in read_ledger(path):
        count += 1
        groups[(line.provider, line.school_id, line.model_label)].append(line)
    again = skipped = 0
    schools = School.objects.in_bulk([key[1] for key in groups if key[1] is not None])
    with audit_context(actor_label=ACTOR_LABEL):
        for (name, school_id, label), lines in groups.items():
            found = provider(name)
            school = schools.get(school_id) if school_id is not None else None
            if found is None or (school_id is not None and school is None):
                logger.warning("Ledger lines of %s (school %s) skipped: provider or school gone",
                               name, school_id)
                skipped += len(lines)
                continue
            by_pk = {line.pk: line for line in lines}
            present = _same_records(label, by_pk, school_id)
            for start in range(0, len(present), BATCH_SIZE):
                items = [DueItem(provider=name, record_type_key=by_pk[pk].record_type_key,
                                 model_label=label, pk=pk, ends_on=_erased_on(by_pk[pk]),
                                 description="Erased before, again after a restore")
                         for pk in present[start:start + BATCH_SIZE]]
                erased, _held = erase_items(found, school, items, now=now, reapplied=True)
                again += len(erased)
    return ReapplyResult(lines=count, erased_again=again, skipped=skipped)
