"""A disposal batch's evidence pack: one PDF with the batch, the company's details, each
item and how it was matched to the certificate, followed by the certificate's own pages
(and the waste transfer note's), made by a background job (``jobs``), as the register's
large downloads are (``assets.export_jobs``).

The page's button (POST) records who asked and starts the job; the worker writes the PDF
into the job's private file, and the job's page offers it to whoever started it while they
may still see equipment (``equipment.view``). A paper the pack cannot append (encrypted or
damaged) is named in the pack instead.
"""

from __future__ import annotations

import io
import logging
from typing import Any, BinaryIO

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.equipment.disposals import selectors, services
from schoolkeep.equipment.models import Disposal
from schoolkeep.jobs.exports import export_job_run
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.lib.downloads import PDF
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.tenancy.guards import is_user
from schoolkeep.tenancy.selectors import access_list_for_user

JOB_KIND = "disposals.pack"
PERMISSION = "equipment.view"
ACTION = "equipment.disposal.pack-made"
ACTION_LABELS = {ACTION: "Evidence pack of a disposal asked for"}
logger = logging.getLogger(__name__)
READY = "The evidence pack is ready. It is removed after a day."

CSS = """
@page { size: A4; margin: 18mm 16mm;
        @bottom-right { content: "Page " counter(page); font-size: 8pt; } }
body { font-family: sans-serif; font-size: 10pt; color: #0b0c0c; }
h1 { font-size: 18pt; margin: 0 0 6pt; } h2 { font-size: 13pt; margin: 14pt 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; } dl { margin: 0; } dt { font-weight: bold; } dd { margin: 0 0 4pt; }
.note { color: #505a5f; }
"""


def _readable(path: Any) -> bytes | None:
    if path is None:
        return None
    try:
        return bytes(path.read_bytes())
    except OSError:
        return None


def _papers(disposal: Disposal) -> list[tuple[str, bytes | None, bool]]:
    """(title, bytes or None, was uploaded) of the certificate and the note."""
    found = []
    for kind, title in (("certificate", "Certificate of secure deletion"),
                        ("note", "Waste transfer note")):
        path = services.stored_path(disposal, kind)
        found.append((title, _readable(path), path is not None))
    return found


def pack_html(disposal: Disposal, papers: list[tuple[str, bool, bool]]) -> str:
    entries = selectors.disposal_entries(disposal)
    return render_to_string("equipment/disposals/pack.html", {
        "disposal": disposal, "entries": entries,
        "report": selectors.certificate_report(disposal, entries),
        "keep_until": selectors.keep_note_until(disposal.collected_on),
        "papers": papers, "printed_at": timezone.now()})


def write_pack(disposal: Disposal, handle: BinaryIO) -> None:
    """The pack's PDF into ``handle``."""
    from pypdf import PdfReader, PdfWriter

    papers = _papers(disposal)
    readers: list[tuple[str, Any]] = []
    status: list[tuple[str, bool, bool]] = []
    for title, data, uploaded in papers:
        reader = None
        if data is not None:
            try:
                reader = PdfReader(io.BytesIO(data), strict=False)
                if reader.is_encrypted or len(reader.pages) == 0:
                    reader = None
            except Exception:
                reader = None
        status.append((title, uploaded, reader is not None))
        if reader is not None:
            readers.append((title, reader))
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_from_html(pack_html(disposal, status), CSS))))
    for title, reader in readers:
        try:
            writer.append(reader, outline_item=title)
        except Exception:  # pages pypdf cannot copy are left out, and logged
            logger.warning("A disposal's %s could not be appended to its pack.", title,
                           exc_info=True)
    writer.write(handle)


def pack_filename(disposal: Disposal) -> str:
    day, short = disposal.collected_on.isoformat(), str(disposal.public_id)[:8]
    return f"disposal-evidence-{day}-{short}.pdf"


def _require_reader(disposal: Disposal, actor: Any) -> None:
    """A person must see the school's equipment (a member, or its trust's administrator);
    the command line and the system are trusted callers."""
    if not is_user(actor):
        return
    access = next((a for a in access_list_for_user(actor)
                   if a.school.pk == disposal.school_id), None)
    if access is None or not access.can(PERMISSION):
        raise NotAllowed("Only members who may see equipment can make the evidence pack.")


def pack_start(*, disposal: Disposal, actor: Any) -> Job:
    """Record who asked for the batch's evidence pack and start the job that makes it."""
    _require_reader(disposal, actor)
    from schoolkeep.equipment.disposals.tasks import disposal_pack

    with transaction.atomic():
        job = job_create(school=disposal.school, actor=actor, kind=JOB_KIND, total=1,
                         title=f"Evidence pack of {disposal}", permission=PERMISSION)
        audit_record(action=ACTION, school=disposal.school_id, actor=actor, target=disposal,
                     changes={"job": {"before": None, "after": str(job.public_id)}})
        transaction.on_commit(lambda: disposal_pack.enqueue(str(job.public_id),
                                                            str(disposal.public_id)))
    return job


def pack_run(job_id: str, disposal_id: str) -> None:
    """The body of the background task."""
    job = Job.objects.select_related("school").get(public_id=job_id, kind=JOB_KIND)
    disposal = Disposal.objects.select_related("company").get(school=job.school,
                                                              public_id=disposal_id)
    export_job_run(job, lambda handle, on_row: write_pack(disposal, handle),
                   filename=pack_filename(disposal), content_type=PDF, ready=READY)
