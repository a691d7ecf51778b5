"""Records and PDFs the disposal tests share: items made directly (the inventory's own
services are another part's), certificates made with WeasyPrint at test time, a scan (a PDF
of one image, no text) and an encrypted PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta
from html import escape
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.equipment.disposals import services
from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Disposal, Item
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.tenancy.models import School

CSS = "body { font-family: sans-serif; font-size: 11pt; }"


def make_item(school: School, serial: str, *, tag: str = "", personal_data: bool | None = True,
              kind: str = Item.Kind.DESKTOP,
              status: str = Item.Status.AWAITING_DISPOSAL) -> Item:
    return Item.objects.create(school=school, kind=kind, serial_number=serial,
                               serial_key=serial_key(serial), asset_tag=tag,
                               asset_tag_key=tag_key(tag), personal_data=personal_data,
                               status=status, make="Dell", model_name="OptiPlex 7010")


def make_disposal(school: School, serials: list[str], *, days_ago: int = 40,
                  **fields: Any) -> Disposal:
    for serial in serials:
        if not Item.objects.filter(school=school, serial_key=serial_key(serial)).exists():
            make_item(school, serial)
    return services.disposal_create(
        school=school, actor=None, company_name=fields.pop("company_name", "Shred Co Ltd"),
        collected_on=timezone.localdate() - timedelta(days=days_ago), items=serials, **fields)


def certificate_pdf(lines: list[str]) -> bytes:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return pdf_from_html(f"<h1>Certificate of destruction</h1>{body}", CSS)


def scan_pdf() -> bytes:
    """A PDF whose page is only a picture, as a scanner makes."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(picture, format="PDF")
    return picture.getvalue()


def encrypted_pdf(lines: list[str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(certificate_pdf(lines))))
    writer.encrypt("open-sesame")  # nosec B105  (a test file's password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


# The helpers make what they say they make (the other disposal tests rely on it).


def test_a_made_certificate_has_text_and_a_scan_has_none() -> None:
    from schoolkeep.equipment.disposals.certificates import page_count, read_text

    text = read_text(certificate_pdf(["Serial 5CD1234ABC"]))
    assert text is not None and "5CD1234ABC" in text
    assert read_text(scan_pdf()) is None and page_count(scan_pdf()) == 1


def test_an_encrypted_certificate_reads_as_no_text() -> None:
    from schoolkeep.equipment.disposals.certificates import page_count, read_text

    data = encrypted_pdf(["Serial 5CD1234ABC"])
    assert data.startswith(b"%PDF-")
    assert read_text(data) is None and page_count(data) is None
