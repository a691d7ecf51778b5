"""The transfer log as a spreadsheet (XLSX) or CSV, with the list's filters kept.

One query, read in chunks; text that a spreadsheet would take as a formula is quoted
(``people.record.exports.safe_text``). The export is audited (format, rows, filters)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from schoolkeep.lib.downloads import CSV, XLSX
from schoolkeep.people.record.exports import safe_text
from schoolkeep.tenancy.models import School
from schoolkeep.transfers.log.services import YES_NO_UNKNOWN
from schoolkeep.transfers.models import Transfer

FORMATS = {"xlsx": XLSX, "csv": CSV}
CHUNK = 500
HEADER = [
    "Date sent", "What", "Description", "To", "Recipient's name", "Channel",
    "Approved channel", "Pupils named", "How many people's data", "Information asset",
    "Logged by", "Review", "Reviewed on", "Reviewed by", "Review note", "Incident",
]


def _row(transfer: Transfer) -> list[Any]:
    return [
        transfer.sent_on, transfer.get_data_kind_display(), transfer.description,
        transfer.get_recipient_display(), transfer.recipient_name, transfer.channel_label,
        "Yes" if transfer.approved else "No", YES_NO_UNKNOWN[transfer.pupils_named],
        transfer.people_count if transfer.people_count is not None else "",
        transfer.asset.name if transfer.asset_id and transfer.asset else "",
        transfer.sent_by_label, transfer.get_review_display(),
        transfer.reviewed_at.date() if transfer.reviewed_at else "",
        transfer.reviewed_by_label, transfer.review_note,
        transfer.incident.reference if transfer.incident_id and transfer.incident else "",
    ]


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def rows(transfers: QuerySet[Transfer]) -> Iterator[list[Any]]:
    for transfer in transfers.iterator(chunk_size=CHUNK):
        yield [_text(value) for value in _row(transfer)]


def filename(school: School, fmt: str, today: date) -> str:
    return f"transfer-log-{school.slug}-{today.isoformat()}.{fmt}"


def xlsx_bytes(transfers: QuerySet[Transfer]) -> tuple[bytes, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Transfer log")
    sheet.append(HEADER)
    count = 0
    for row in rows(transfers):
        sheet.append(row)
        count += 1
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue(), count


def csv_bytes(transfers: QuerySet[Transfer]) -> tuple[bytes, int]:
    handle = io.StringIO()
    writer = csv.writer(handle)
    writer.writerow(HEADER)
    count = 0
    for row in rows(transfers):
        writer.writerow([value.isoformat() if isinstance(value, date) else value
                         for value in row])
        count += 1
    return handle.getvalue().encode("utf-8-sig"), count


def export_bytes(transfers: QuerySet[Transfer], fmt: str) -> tuple[bytes, int]:
    """(the file, its rows) in ``fmt`` ("xlsx" or "csv")."""
    return xlsx_bytes(transfers) if fmt == "xlsx" else csv_bytes(transfers)
