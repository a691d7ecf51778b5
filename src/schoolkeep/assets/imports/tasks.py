"""Background work of the register's import page: checking an uploaded file (nothing
written), then, once confirmed, importing it. Each runs as a job whose page shows its
progress; the check's result is the preview, the import's result the report."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from schoolkeep.assets.imports import ImportFileError, ImportResult, assets_import
from schoolkeep.audit.context import audit_context
from schoolkeep.jobs import import_flow
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_fail, job_finish, job_progress
from schoolkeep.lib import import_bounds
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.import_uploads import upload_delete, upload_path

CHECK_KIND = "assets.import.check"
APPLY_KIND = "assets.import.apply"
# How many names, problems and warnings of each kind a job's result keeps (counts are kept).
KEPT = import_bounds.PROBLEMS_KEPT


def _run(job: Job, stored_name: str, filename: str, *, dry_run: bool,
         matches: list[dict[str, str]] | None = None) -> ImportResult | None:
    """The import of the job's file, or None when the job failed (its message says why)."""
    path = upload_path(stored_name)
    if path is None:
        job_fail(job, message=import_flow.UPLOAD_GONE)
        return None
    try:
        # The actor is the member who started it; with that account gone, no name.
        with audit_context(actor_label=import_flow.BACKGROUND_IMPORT):
            # job_progress looked up here, so that a test can watch the progress reported
            return assets_import(path, school=job.school, actor=job.created_by,
                                 dry_run=dry_run, filename=filename, matches=matches,
                                 progress=import_flow.progress_reporter(job, job_progress))
    except (ImportFileError, NotAllowed) as exc:
        upload_delete(stored_name)
        job_fail(job, message=f"{filename}: {exc}")
        return None
    except Exception:
        upload_delete(stored_name)
        import_flow.fail_unexpected(job)
        raise


@task()
def assets_import_check(job_id: str, stored_name: str, filename: str) -> None:
    """Check an uploaded register file and work out what would change; write nothing."""
    job = import_flow.task_job(job_id, CHECK_KIND)
    result = _run(job, stored_name, filename, dry_run=True)
    if result is None:
        return
    if not result.ok:
        upload_delete(stored_name)  # nothing can be confirmed: keep nothing
    count = result.problem_count
    message = (f"{count:,} problem{'s' if count != 1 else ''} "
               "found: nothing can be imported until they are put right." if not result.ok
               else result.summary())
    job_finish(job, message=message, result=result.as_dict(KEPT) | {
        "upload": stored_name if result.ok else "", "filename": filename,
        "next_url": reverse("assets:import-preview", args=[job.public_id]),
        "next_label": "See what the import would change"})


@task()
def assets_import_apply(job_id: str, stored_name: str, filename: str,
                        matches: list[dict[str, str]] | None = None) -> None:
    """Import a checked and confirmed file (the register is compared again, then written in
    one transaction). ``matches``: the look-alikes the preview matched to recorded assets
    and groups (``assets.imports.writing._save_aliases``)."""
    job = import_flow.task_job(job_id, APPLY_KIND)
    try:
        result = _run(job, stored_name, filename, dry_run=False, matches=matches)
    finally:
        upload_delete(stored_name)
    if result is None:
        return
    if not result.ok:  # the file changed on disk since it was checked: not expected
        job_fail(job, message=f"{filename}: the file no longer passes the check, so nothing "
                 "was imported. Upload it again.")
        return
    job_finish(job, message=result.summary(), result=result.as_dict(KEPT) | {
        "filename": filename, "next_url": reverse("assets:import-result", args=[job.public_id]),
        "next_label": "See what was imported"})
