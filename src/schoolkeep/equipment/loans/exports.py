"""The loans as XLSX or CSV: one row per loan, in the list's order and with its filters,
with the item's facts (tag, serial number, personal data, encryption), the borrower, the
dates, whether it is overdue, its condition on return and its incident. Made while the
member waits (a school lends hundreds of items, not millions), read in chunks, written with
openpyxl's write-only workbook or row by row as CSV; cells that a spreadsheet would run as
a formula are written as text. Each export is recorded in the audit trail: it names people.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from schoolkeep.assets.exports import write_csv
from schoolkeep.audit.services import audit_record
from schoolkeep.equipment.models import Loan
from schoolkeep.jobs.exports import in_memory
from schoolkeep.jobs.xlsx import write_table_xlsx

ACTION = "equipment.loans.exported"
ACTION_LABELS = {ACTION: "Equipment loans exported"}
CHUNK = 500

HEADINGS = [
    "Item", "Kind", "Asset tag", "Serial number", "Holds or has held personal data",
    "Encryption", "Lent to", "What it is for", "Lent on", "Due back on", "Returned on",
    "Overdue", "Condition on return", "Lent by", "Returned by", "Incident", "Notes",
]
_FACT = {True: "Yes", False: "No", None: "Not known"}


def loan_rows(loans: QuerySet[Loan], *, today: date) -> Iterator[list[Any]]:
    """The headings, then one row per loan (``loans`` annotated ``due_on``, as
    ``selectors.loan_list`` makes them)."""
    yield list(HEADINGS)
    for loan in loans.iterator(chunk_size=CHUNK):
        item = loan.item
        due: date = loan.due_on  # type: ignore[attr-defined]
        overdue = loan.returned_on is None and due < today
        yield [
            item.label, item.get_kind_display(), item.asset_tag, item.serial_number,
            _FACT[item.personal_data], item.get_encryption_display(), loan.person.full_name,
            loan.purpose, loan.issued_on, due, loan.returned_on,
            "Yes" if overdue else "No", loan.condition_on_return, loan.issued_by_label,
            loan.returned_by_label, loan.incident.reference if loan.incident else "",
            loan.notes,
        ]


def loans_export(*, school: Any, actor: Any, loans: QuerySet[Loan], fmt: str,
                 today: date) -> tuple[bytes, str]:
    """The file's bytes and its name; the export is audited."""
    rows = loan_rows(loans, today=today)
    if fmt == "csv":
        content = in_memory(lambda handle: write_csv(rows, handle))
    else:
        content = in_memory(lambda handle: write_table_xlsx(
            rows, handle, title=f"Equipment loans of {school.name}", sheet_name="Loans",
            columns=len(HEADINGS), width=20))
    audit_record(action=ACTION, school=school, actor=actor, target_type="equipment.loan",
                 target_label="Equipment loans", changes={"format": fmt})
    return content, f"equipment-loans-{school.slug}-{today.isoformat()}.{fmt}"
