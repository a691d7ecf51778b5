"""The destruction log as CSV: one row per entry, with the filters of the list. Made while the
member waits (a school destroys tens of batches a year, and Schoolkeep's own erasure writes at
most one entry per run and record type). Every cell is safe from formula injection."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction

from schoolkeep.assets.exports import CSV_TYPE, write_csv
from schoolkeep.audit.services import audit_record
from schoolkeep.jobs.exports import in_memory
from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

EXPORT_ACTION = "destructions.exported"
HEADINGS = ["Date destroyed", "What was destroyed", "Record type", "Information asset",
            "Earliest record", "Latest record", "How many", "How", "Certificate reference",
            "Destroyed by", "Witnessed by", "Recorded by", "Where the entry comes from",
            "Reference"]


def log_rows(rows: Iterable[Destruction]) -> Iterator[list[Any]]:
    yield HEADINGS
    for row in rows:
        yield [row.destroyed_on, row.description,
               row.record_type.name if row.record_type else "",
               row.asset.name if row.asset else "", row.records_from, row.records_to,
               row.quantity, row.get_method_display(), row.certificate_reference,
               row.destroyed_by_label, row.witnessed_by_label, row.recorded_by_label,
               row.get_source_display(), str(row.public_id)]


def log_csv(*, school: School, actor: Any, rows: Iterable[Destruction]) -> tuple[bytes, str]:
    """The CSV's bytes and type, the download audited (``destructions.exported``)."""
    require_permission(school=school, actor=actor, permission="retention.view",
                       message="You may not read the destruction log.")
    entries = list(rows)
    content = in_memory(lambda handle: write_csv(log_rows(entries), handle))
    with transaction.atomic():
        audit_record(action=EXPORT_ACTION, school=school, actor=actor,
                     target_type="privacy.destruction", target_label="Destruction log",
                     changes={"rows": {"before": None, "after": len(entries)}})
    return content, CSV_TYPE
