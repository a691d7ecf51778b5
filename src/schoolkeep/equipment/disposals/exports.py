"""The disposals' download: every disposed item with its batch, company and whether the
certificate of secure deletion names it, as XLSX or CSV (one row an item, read in chunks;
cells safe from formula injection). Downloading is audited."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from schoolkeep.assets.exports import write_csv, xml_safe
from schoolkeep.audit.services import audit_record
from schoolkeep.equipment.disposals.selectors import export_rows, keep_note_until
from schoolkeep.equipment.models import DisposalItem
from schoolkeep.jobs.exports import in_memory
from schoolkeep.lib.downloads import CSV, XLSX
from schoolkeep.people.record.exports import safe_text
from schoolkeep.tenancy.models import School

ACTION = "equipment.disposals.exported"
ACTION_LABELS = {ACTION: "Disposals exported"}
FORMATS = {"xlsx": XLSX, "csv": CSV}
CHUNK = 500

HEADINGS = [
    "Collected on", "Company", "Company's reference", "Waste carrier registration",
    "AATF permit or ADISA certification", "Kind", "Make", "Model", "Serial number",
    "Asset tag", "Holds or has held personal data", "Certificate", "Matched",
    "Waste transfer note", "Keep the note until",
]


def _fact(value: bool | None) -> str:
    return "Not known" if value is None else ("Yes" if value else "No")


def rows(entries: Iterable[DisposalItem]) -> Iterator[list[Any]]:
    yield HEADINGS
    for entry in entries:
        disposal, item = entry.disposal, entry.item
        yield [
            disposal.collected_on, disposal.company.name, disposal.reference,
            disposal.waste_carrier_registration, disposal.permit_or_certification,
            item.get_kind_display(), item.make, item.model_name, item.serial_number,
            item.asset_tag, _fact(item.personal_data),
            "Uploaded" if disposal.certificate_stored_name else "Not uploaded",
            entry.get_matched_by_display() if entry.matched_by else "Not matched",
            "Uploaded" if disposal.note_stored_name else "Not uploaded",
            keep_note_until(disposal.collected_on),
        ]


def _cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return WriteOnlyCell(sheet, value=safe_text(xml_safe(str(value or ""))))


def write_xlsx(entries: Iterable[DisposalItem], handle: BinaryIO) -> None:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Schoolkeep"
    sheet = workbook.create_sheet("Disposals")
    for row in rows(entries):
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(handle)


def export(*, school: School, actor: Any, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the disposals' download, audited. Reading is
    checked by the page (equipment.view)."""
    entries = export_rows(school).iterator(chunk_size=CHUNK)
    if fmt == "csv":
        content = in_memory(lambda handle: write_csv(rows(entries), handle))
    else:
        content = in_memory(lambda handle: write_xlsx(entries, handle))
    today = timezone.localdate()
    with transaction.atomic():
        audit_record(action=ACTION, school=school, actor=actor, target_type="equipment.disposals",
                     target_id=str(school.public_id),
                     target_label=f"Disposals of {school.name}",
                     changes={"format": {"before": None, "after": fmt}})
    return content, FORMATS[fmt], f"disposals-{school.slug}-{today.isoformat()}.{fmt}"
