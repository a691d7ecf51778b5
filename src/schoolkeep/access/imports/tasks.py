"""Background work of the user-list page: checking an uploaded list against a system's
accounts (nothing written), then, once confirmed, recording it. Each runs as a job whose
page shows its progress; the check's result is the preview."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django_tasks import task

from schoolkeep.access.imports.results import ReconcileResult
from schoolkeep.access.imports.writing import user_list_reconcile
from schoolkeep.jobs import import_flow
from schoolkeep.jobs.models import Job
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.systems.models import System

CHECK_KIND = "access.user_list.check"
APPLY_KIND = "access.user_list.apply"


def _run(system_id: str, filename: str, *, dry_run: bool) -> import_flow.RunImport:
    def run(job: Job, path: Path, progress: import_flow.Progress) -> ReconcileResult:
        system = System.objects.filter(school=job.school, public_id=system_id,
                                       archived_at__isnull=True).first()
        if system is None:
            raise ImportFileError("The system is no longer in the school's register.")
        return user_list_reconcile(path, school=job.school, system=system,
                                   actor=job.created_by, dry_run=dry_run, progress=progress,
                                   filename=filename, expected_rows=job.total)
    return run


@task()
def user_list_check(job_id: str, stored_name: str, filename: str, system_id: str) -> None:
    """Check an uploaded user list against the system's accounts; write nothing."""
    import_flow.check_rows(job_id, stored_name, filename, kind=CHECK_KIND,
                           preview_url="access:import-preview",
                           run=_run(system_id, filename, dry_run=True))


@task()
def user_list_apply(job_id: str, stored_name: str, filename: str, system_id: str) -> None:
    """Record a checked and confirmed user list (compared again, then written at once)."""
    import_flow.apply_rows(
        job_id, stored_name, filename, kind=APPLY_KIND,
        run=_run(system_id, filename, dry_run=False),
        stale="The list no longer passes the check, so nothing was recorded.",
        next_url="access:account-list", next_label="See the accounts")


@dataclass(frozen=True)
class WithSystem:
    """A task of this page as ``import_flow`` enqueues it (the job, the upload, the file's
    name), given the system the list is of as well."""

    task: Any
    system_id: str

    def enqueue(self, job_id: str, stored_name: str, filename: str) -> Any:
        return self.task.enqueue(job_id, stored_name, filename, self.system_id)
