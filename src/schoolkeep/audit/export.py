"""The audit trail as CSV, streamed row by row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from schoolkeep.audit.actions import action_label
from schoolkeep.audit.hashing import canonical_time
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.selectors import LONDON

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
