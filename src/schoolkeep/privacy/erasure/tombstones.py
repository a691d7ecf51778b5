"""Tombstones: what is left of an erased record (its kind and id), in the database and in
the ledger file, so that the audit trail still resolves and a restore can erase it again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from schoolkeep.privacy.erasure.ledger import LedgerLine, append_on_commit
from schoolkeep.privacy.erasure.models import Tombstone


@dataclass(frozen=True)
class Erased:
    provider: str
    model_label: str
    pk: int
    subject_id: str
    school_id: int | None
    record_type_key: str


def public_ids(model_label: str, pks: Iterable[int]) -> dict[int, str]:
    """pk -> the id the audit trail knows each record by (its public id, else its pk), in
    one query. Call before the rows are deleted."""
    pks = list(pks)
    model = apps.get_model(model_label)
    if not any(f.name == "public_id" for f in model._meta.concrete_fields):
        return {pk: str(pk) for pk in pks}
    found = dict(model._default_manager.filter(pk__in=pks).values_list("pk", "public_id"))
    return {pk: str(found.get(pk, pk)) for pk in pks}


def tombstone_many(erased: list[Erased], *, now: datetime, ledger: bool = True) -> int:
    """A tombstone row per erased record (once: an erasure re-applied after a restore does
    not add another) and a ledger line each after the commit. Call in the erasure's
    transaction."""
    if not erased:
        return 0
    Tombstone.objects.bulk_create(
        [Tombstone(school_id=e.school_id, subject_type=e.model_label, subject_id=e.subject_id,
                   record_type_key=e.record_type_key, erased_at=now) for e in erased],
        ignore_conflicts=True, batch_size=500)
    if not ledger:  # re-applied from the ledger: its lines are there already
        return len(erased)
    stamp = now.isoformat()
    append_on_commit(LedgerLine(provider=e.provider, model_label=e.model_label, pk=e.pk,
                                subject_id=e.subject_id, school_id=e.school_id,
                                record_type_key=e.record_type_key, erased_at=stamp)
                     for e in erased)
    return len(erased)
