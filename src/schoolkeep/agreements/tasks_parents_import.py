"""Background work of the parents' import page: checking an uploaded file (nothing written),
then, once confirmed, importing it. Each runs as a job whose page shows its progress."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from schoolkeep.agreements.imports_parents import ParentImportResult, parents_import
from schoolkeep.audit.context import audit_context
from schoolkeep.jobs import import_flow
from schoolkeep.jobs.services import job_fail, job_finish
from schoolkeep.lib import import_uploads
from schoolkeep.lib.import_uploads import upload_delete, upload_path
from schoolkeep.lib.tabular import ImportFileError

CHECK_KIND = "agreements.parents_import.check"
APPLY_KIND = "agreements.parents_import.apply"
PROBLEMS_KEPT = 500  # the preview page shows these; the count is always kept
MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}


def upload_save(uploaded_file: Any) -> tuple[str, str]:
    """Store an uploaded file of parents (checked by content). Raises ImportFileError."""
    return import_uploads.upload_save(
        uploaded_file, extensions=EXTENSIONS, max_bytes=MAX_BYTES,
        choose="Choose a CSV or XLSX file (its name ends .csv or .xlsx).")


def _kept(result: ParentImportResult) -> dict[str, Any]:
    data = result.as_dict()
    data["problem_count"] = len(result.problems)
    data["problems"] = data["problems"][:PROBLEMS_KEPT]
    return data


@task()
def parents_import_check(job_id: str, stored_name: str, filename: str) -> None:
    """Check an uploaded file and work out what would change; write nothing."""
    job = import_flow.task_job(job_id, CHECK_KIND)
    path = upload_path(stored_name)
    if path is None:
        job_fail(job, message=import_flow.UPLOAD_GONE)
        return
    try:
        result = parents_import(path, school=job.school, actor=job.created_by, dry_run=True,
                                progress=import_flow.progress_reporter(job), filename=filename)
    except ImportFileError as exc:
        upload_delete(stored_name)
        job_fail(job, message=f"{filename}: {exc}")
        return
    except Exception:
        upload_delete(stored_name)
        import_flow.fail_unexpected(job)
        raise
    if not result.ok:
        upload_delete(stored_name)  # nothing can be confirmed: keep nothing
    data = _kept(result) | {
        "upload": stored_name if result.ok else "", "filename": filename,
        "next_url": reverse("agreements:parent-import-preview", args=[job.public_id]),
        "next_label": "See what the import would change"}
    message = (f"{len(result.problems)} problems found: nothing can be imported until they "
               "are put right." if not result.ok else result.summary())
    job_finish(job, message=message, result=data)


@task()
def parents_import_apply(job_id: str, stored_name: str, filename: str) -> None:
    """Import a checked and confirmed file (checked again, then written in one go)."""
    job = import_flow.task_job(job_id, APPLY_KIND)
    path = upload_path(stored_name)
    if path is None:
        job_fail(job, message=import_flow.UPLOAD_GONE)
        return
    try:
        with audit_context(actor_label=job.created_by_label):
            result = parents_import(path, school=job.school, actor=job.created_by,
                                    progress=import_flow.progress_reporter(job),
                                    filename=filename)
    except ImportFileError as exc:
        job_fail(job, message=f"{filename}: {exc}")
        return
    except Exception:
        import_flow.fail_unexpected(job)
        raise
    finally:
        upload_delete(stored_name)
    if not result.ok:
        first = "; ".join(str(problem) for problem in result.problems[:5])
        more = len(result.problems) - 5
        job_fail(job, message="The parents changed since the file was checked and the file "
                 f"no longer fits them, so nothing was imported. {first}"
                 + (f"; and {more} more." if more > 0 else "."))
        return
    job_finish(job, message=result.summary(), result=_kept(result) | {
        "filename": filename, "next_url": reverse("agreements:parent-list"),
        "next_label": "See the parents"})
