"""Background work of the equipment import page: checking an uploaded file (nothing
written), then, once confirmed, importing it. Each runs as a job whose page shows its
progress; the check's result is the preview."""

from __future__ import annotations

from django_tasks import task

from schoolkeep.equipment.imports.writing import equipment_import
from schoolkeep.jobs import import_flow

CHECK_KIND = "equipment.import.check"
APPLY_KIND = "equipment.import.apply"
PERMISSION = "equipment.manage"


@task()
def equipment_import_check(job_id: str, stored_name: str, filename: str) -> None:
    """Check an uploaded file and work out what would change; write nothing."""
    import_flow.check_rows(
        job_id, stored_name, filename, kind=CHECK_KIND, preview_url="equipment:import-preview",
        run=lambda job, path, progress: equipment_import(
            path, school=job.school, actor=job.created_by, dry_run=True, progress=progress,
            filename=filename))


@task()
def equipment_import_apply(job_id: str, stored_name: str, filename: str) -> None:
    """Import a checked and confirmed file (compared again, then written in one go)."""
    import_flow.apply_rows(
        job_id, stored_name, filename, kind=APPLY_KIND,
        run=lambda job, path, progress: equipment_import(
            path, school=job.school, actor=job.created_by, progress=progress,
            expected_rows=job.total, filename=filename),
        stale="The equipment changed since the file was checked and the file no longer fits "
              "it, so nothing was imported.",
        next_url="equipment:item-list", next_label="See the equipment")
