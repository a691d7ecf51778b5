"""Background task of the register's large downloads (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def register_export(job_id: str, code: str) -> None:
    """Write one of the register's downloads (``export_jobs.EXPORTS``) into its job's file."""
    from schoolkeep.assets.export_jobs import export_run

    export_run(job_id, code)
