"""The register's downloads (Appendix 1 as DOCX or CSV, the register as XLSX or CSV, the
record of processing activities as XLSX), made at once or, for a large register, by a
background job.

Up to ``IN_BACKGROUND_ABOVE`` current assets a download is made while the member waits, as it
always was. Above it, the download's link shows a page that starts a job (by POST: a link
never starts work); the worker writes the file straight into the job's private file, chunk by
chunk, reporting its progress, and the job's page offers it when done, to whoever started it
while they may still read the register (``jobs.selectors.own_job``). Both ways write the same
bytes with the same writer (``exports.write_*``) and record who exported what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from schoolkeep.assets import exports, selectors
from schoolkeep.assets.models import Asset
from schoolkeep.audit.actions import register_action_labels
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.jobs.exports import OnRow, export_job_run, in_memory
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.privacy.suppliers.selectors import processors_for_record
from schoolkeep.tenancy.guards import is_user
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import access_list_for_user

# Above this many current assets a download is made in the background. At most a few seconds
# while the member waits (the register as XLSX, the slowest, writes 300 to 450 assets a second
# here); at 10,000 assets the downloads take 5 to 40 seconds (bench/export_appendix.py).
IN_BACKGROUND_ABOVE = 2000
JOB_KIND = "assets.export"
PERMISSION = "assets.view"
PROGRESS_EVERY = 100
ACTION = "assets.register.exported"
ACTION_LABELS = {ACTION: "Information asset register exported"}
register_action_labels(ACTION_LABELS)

Writer = Callable[[School, BinaryIO, date, OnRow], None]


def _appendix(school: School) -> Iterator[selectors.AppendixGroup]:
    # The appendix's own query (its order: groups, then assets as added), read in chunks.
    assets = selectors.appendix_assets(school)
    return exports.appendix_stream(assets.iterator(chunk_size=exports.CHUNK))


def _register(school: School) -> Iterator[Asset]:
    return exports.with_register_views(selectors.asset_list(school=school)).iterator(
        chunk_size=exports.CHUNK)


def _appendix_docx(school: School, handle: BinaryIO, today: date, on_row: OnRow) -> None:
    exports.write_appendix_docx(_appendix(school), handle, school=school, printed_on=today,
                                on_row=on_row)


def _appendix_csv(school: School, handle: BinaryIO, today: date, on_row: OnRow) -> None:
    exports.write_appendix_csv(_appendix(school), handle, on_row)


def _register_xlsx(school: School, handle: BinaryIO, today: date, on_row: OnRow) -> None:
    exports.write_register_xlsx(_register(school), handle, school=school, on_row=on_row)


def _register_csv(school: School, handle: BinaryIO, today: date, on_row: OnRow) -> None:
    exports.write_register_csv(_register(school), handle, on_row)


def _processing_xlsx(school: School, handle: BinaryIO, today: date, on_row: OnRow) -> None:
    exports.write_processing_record_xlsx(
        _register(school), handle, school=school,
        settings=selectors.asset_settings_or_default(school), printed_on=today, on_row=on_row,
        processors=processors_for_record(school))


@dataclass(frozen=True)
class Export:
    code: str  # in the URL that starts it
    title: str
    part: str  # the file's name: <part>-<school>-<date>.<extension>
    extension: str
    content_type: str
    write: Writer

    def filename(self, school: School, today: date) -> str:
        return exports.filename(school, self.part, self.extension, today)


EXPORTS = {export.code: export for export in [
    Export("appendix-docx", "Appendix 1 (Word)", "appendix-1", "docx", exports.DOCX_TYPE,
           _appendix_docx),
    Export("appendix-csv", "Appendix 1 (CSV)", "appendix-1", "csv", exports.CSV_TYPE,
           _appendix_csv),
    Export("register-xlsx", "The information asset register (XLSX)", "information-assets",
           "xlsx", exports.XLSX_TYPE, _register_xlsx),
    Export("register-csv", "The information asset register (CSV)", "information-assets",
           "csv", exports.CSV_TYPE, _register_csv),
    Export("processing-record-xlsx", "The record of processing activities (XLSX)",
           "record-of-processing", "xlsx", exports.XLSX_TYPE, _processing_xlsx),
]}


def export_for(code: str) -> Export:
    try:
        return EXPORTS[code]
    except KeyError:
        raise DomainError("Choose one of the register's downloads.", field="export") from None


def register_size(school: School) -> int:
    """The current assets a download holds (Appendix 1 and the register alike)."""
    return Asset.objects.filter(school=school, archived_at__isnull=True).count()


def in_background(rows: int) -> bool:
    return rows > IN_BACKGROUND_ABOVE


def _require_reader(school: School, actor: Any) -> None:
    """A person must read the school's register (a member, or its trust's administrator);
    the command line and the system are trusted callers."""
    if not is_user(actor):
        return
    access = next((a for a in access_list_for_user(actor) if a.school.pk == school.pk), None)
    if access is None or not access.can(PERMISSION):
        raise NotAllowed("Only members who may read the register can download it.")


def _audit(*, school: School, actor: Any, export: Export, rows: int, background: bool) -> None:
    audit_record(action=ACTION, school=school, actor=actor, target_type="assets.register",
                 target_id=str(school.public_id),
                 target_label=f"Information asset register of {school.name}",
                 changes=diff(None, {"export": export.title, "rows": rows,
                                     "in_background": background}))


@dataclass(frozen=True)
class MadeFile:
    content: bytes
    content_type: str
    filename: str


def export_now(*, school: School, actor: Any, code: str, rows: int) -> MadeFile:
    """A small register's download, made at once and recorded. ``rows``: the register's
    size, as counted to choose this way (``register_size``)."""
    export = export_for(code)
    _require_reader(school, actor)
    today = timezone.localdate()
    content = in_memory(lambda handle: export.write(school, handle, today, None))
    with transaction.atomic():
        _audit(school=school, actor=actor, export=export, rows=rows, background=False)
    return MadeFile(content, export.content_type, export.filename(school, today))


def export_start(*, school: School, actor: Any, code: str) -> Job:
    """Record who exported what and start the job that writes the file."""
    export = export_for(code)
    _require_reader(school, actor)
    from schoolkeep.assets.tasks_export import register_export

    rows = register_size(school)
    with transaction.atomic():
        job = job_create(school=school, actor=actor, kind=JOB_KIND, total=rows,
                         title=export.title, permission=PERMISSION)
        _audit(school=school, actor=actor, export=export, rows=rows, background=True)
        transaction.on_commit(lambda: register_export.enqueue(str(job.public_id), export.code))
    return job


def export_run(job_id: str, code: str) -> None:
    """The body of the background task: write the file into the job's private file."""
    job = Job.objects.select_related("school").get(public_id=job_id, kind=JOB_KIND)
    school, export = job.school, export_for(code)
    today = timezone.localdate()
    export_job_run(job, lambda handle, on_row: export.write(school, handle, today, on_row),
                   filename=export.filename(school, today), content_type=export.content_type,
                   progress_every=PROGRESS_EVERY)
