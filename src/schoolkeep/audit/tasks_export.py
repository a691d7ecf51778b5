"""Background task of the audit trail's large exports (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def trail_export(job_id: str, params: dict[str, str], newest: int) -> None:
    """Write the chosen part of the trail (``export.selection_params``, events up to
    ``newest``) as CSV into its job's file."""
    from schoolkeep.audit.export import trail_export_run

    trail_export_run(job_id, params, newest)
