"""The audit trail as CSV, streamed row by row, safe to open in a spreadsheet; and the
export's own audit event (who exported which part of the trail, how many rows), as every
other export records one."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet

from schoolkeep.audit.actions import action_label, register_action_labels
from schoolkeep.audit.hashing import canonical_time
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.selectors import LONDON
from schoolkeep.audit.services import audit_record, diff

ACTION_LABELS = {"audit.trail.exported": "Audit trail exported"}
register_action_labels(ACTION_LABELS)

HEADER = [
    "When (UK time)", "When (UTC)", "Person", "Action", "Action code", "Record type",
    "Record id", "Record", "Changes", "Request id", "Address", "Event id", "Chain",
    "Sequence", "Hash",
]
# A spreadsheet runs a cell that starts with one of these as a formula (or, for tab and
# carriage return, may shift it into one): such cells are prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def event_row(event: AuditEvent) -> list[str]:
    return [safe_cell(value) for value in (
        event.occurred_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
        canonical_time(event.occurred_at),
        event.actor_label,
        action_label(event.action),
        event.action,
        event.target_type,
        event.target_id,
        event.target_label,
        json.dumps(event.changes, sort_keys=True, ensure_ascii=False) if event.changes else "",
        event.request_id,
        event.ip_address,
        event.public_id,
        event.chain,
        event.sequence,
        event.hash,
    )]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)  # the BOM tells spreadsheets it is UTF-8
    for event in events:
        yield writer.writerow(event_row(event))


def filters_description(selection: Mapping[str, Any], *, person_label: str) -> str:
    """The filters of an export in words, for its audit event ("everything" when none)."""
    parts = []
    if person_label:
        parts.append(f"person: {person_label}")
    if selection.get("action_prefix"):
        parts.append(f"action: {selection['action_prefix']}")
    if selection.get("date_from"):
        parts.append(f"from {selection['date_from']:%Y-%m-%d}")
    if selection.get("date_to"):
        parts.append(f"to {selection['date_to']:%Y-%m-%d}")
    return "; ".join(parts) or "everything"


def trail_export_start(*, school: Any, actor: Any, events: QuerySet[AuditEvent],
                       filters: str) -> QuerySet[AuditEvent]:
    """Record who exported the trail (format, filters, rows) and return the events to write:
    those chosen before this export's own event, so that the file and the count agree."""
    with transaction.atomic():
        newest = events.aggregate(newest=Max("pk"))["newest"] or 0
        chosen = events.filter(pk__lte=newest)
        audit_record(
            action="audit.trail.exported", school=school, actor=actor,
            target_type="audit.trail", target_id=str(school.public_id),
            target_label=f"Audit trail of {school.name}",
            changes=diff(None, {"format": "csv", "rows": chosen.count(), "filters": filters}),
        )
    return chosen
