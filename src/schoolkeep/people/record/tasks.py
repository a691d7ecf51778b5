"""Background tasks of the Single Central Record (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def record_export(job_id: str, fmt: str, params: dict[str, Any], level: int) -> None:
    """Make an export of the record (XLSX or PDF) and attach it to its job."""
    from schoolkeep.people.record.exports import record_export_run

    record_export_run(job_id, fmt, params, level)
