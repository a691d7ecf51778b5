"""Background tasks of the incident exports (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def breach_log_export(job_id: str, fmt: str, params: dict[str, Any]) -> None:
    """Make the breach log (XLSX, or CSV in a zip) and attach it to its job."""
    from schoolkeep.incidents.exports.log import breach_log_export_run

    breach_log_export_run(job_id, fmt, params)
