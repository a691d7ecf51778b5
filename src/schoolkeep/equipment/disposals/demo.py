"""The demo's disposal (Larkspur, order 370, after the inventory at 360): the six old desktop
drives the inventory marks as awaiting disposal (``inventory.demo.DISPOSAL_SERIALS``) were
collected 40 days ago by a (fictional) disposal company, whose certificate of secure
deletion, made here as a PDF, names all but one of them. So the batch's page shows five
drives matched from the certificate's text and one not found, and the duty
``disposals.without-certificate`` is raised once. Running the step again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.equipment.disposals.services import disposal_create, document_upload
from schoolkeep.equipment.keys import serial_key
from schoolkeep.equipment.models import Disposal, Item
from schoolkeep.lib.pdf import pdf_from_html

SCHOOL = "larkspur"
COMPANY = "Greenbank IT Recycling Ltd"
REFERENCE = "GB-2026-0142"
WASTE_CARRIER = "CBDU900142"
PERMIT = "ADISA certified, certificate ADC-9142"
COLLECTED_DAYS_AGO = 40

CSS = "body { font-family: sans-serif; font-size: 11pt; } td, th { padding: 2pt 6pt; }"


def certificate_html(serials: list[str], collected: str) -> str:
    """A certificate such as disposal companies send: a table of the drives destroyed."""
    rows = "".join(f"<tr><td>{n}</td><td>Hard disk drive</td><td>{escape(serial)}</td>"
                   "<td>Shredded to 6 mm</td></tr>" for n, serial in enumerate(serials, 1))
    return (f"<h1>Certificate of Secure Data Destruction</h1><p>{escape(COMPANY)}, "
            f"waste carrier {WASTE_CARRIER}. Job {REFERENCE}, collected {collected}.</p>"
            "<table><tr><th>No.</th><th>Media</th><th>Serial number</th><th>Method</th></tr>"
            f"{rows}</table><p>We certify that the media above were destroyed.</p>")


def note_html(count: int, collected: str) -> str:
    return (f"<h1>Waste Transfer Note</h1><p>Producer: Larkspur Primary School. Carrier: "
            f"{escape(COMPANY)} ({WASTE_CARRIER}). Collected {collected}: {count} items of "
            "waste electrical and electronic equipment (EWC 20 01 35*).</p>")


def build_demo_disposals(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None or Disposal.objects.filter(school=school, reference=REFERENCE).exists():
        return
    try:
        from schoolkeep.equipment.inventory.demo import DISPOSAL_SERIALS
    except ImportError:
        return
    keys = [serial_key(serial) for serial in DISPOSAL_SERIALS]
    items = {item.serial_key: item for item in Item.objects.filter(
        school=school, serial_key__in=keys, disposal_entry__isnull=True)
        .exclude(status__in=[Item.Status.LOST, Item.Status.STOLEN, Item.Status.DISPOSED])}
    serials = [items[key].serial_number for key in keys if key in items]
    if len(serials) < 2:
        return
    collected_on = timezone.localdate() - timedelta(days=COLLECTED_DAYS_AGO)
    disposal = disposal_create(
        school=school, actor=None, collected_on=collected_on, company_name=COMPANY,
        items=serials, reference=REFERENCE, waste_carrier_registration=WASTE_CARRIER,
        permit_or_certification=PERMIT,
        notes="Old office desktops, drives removed and collected in a locked case.")
    collected = f"{collected_on.day} {collected_on:%B %Y}"
    named = serials[:-1]  # the company's certificate leaves out the last drive
    # One serial printed with a space in it, as certificates often do: it still matches.
    named[0] = f"{named[0][:4]} {named[0][4:]}"
    for kind, html in (("certificate", certificate_html(named, collected)),
                       ("note", note_html(len(serials), collected))):
        upload = SimpleUploadedFile(f"{kind}-{REFERENCE}.pdf", pdf_from_html(html, CSS),
                                    content_type="application/pdf")
        document_upload(disposal=disposal, actor=None, kind=kind, uploaded_file=upload)
