"""Background work of the training import page: checking an uploaded file (nothing
written), then, once confirmed, importing it. Each runs as a job whose page shows its
progress; the check's result is the preview."""

from __future__ import annotations

from django_tasks import task

from schoolkeep.jobs import import_flow
from schoolkeep.training.imports.writing import training_import

CHECK_KIND = "training.import.check"
APPLY_KIND = "training.import.apply"
PERMISSION = "training.manage"


@task()
def training_import_check(job_id: str, stored_name: str, filename: str) -> None:
    """Check an uploaded file and work out what would be added; write nothing."""
    import_flow.check_rows(
        job_id, stored_name, filename, kind=CHECK_KIND, preview_url="training:import-preview",
        run=lambda job, path, progress: training_import(
            path, school=job.school, actor=job.created_by, dry_run=True, progress=progress,
            filename=filename))


@task()
def training_import_apply(job_id: str, stored_name: str, filename: str) -> None:
    """Import a checked and confirmed file (compared again, then written in one go)."""
    import_flow.apply_rows(
        job_id, stored_name, filename, kind=APPLY_KIND,
        run=lambda job, path, progress: training_import(
            path, school=job.school, actor=job.created_by, progress=progress,
            expected_rows=job.total, filename=filename),
        stale="The people or courses changed since the file was checked and the file no "
              "longer fits them, so nothing was imported.",
        next_url="training:record-list", next_label="See the training records")
