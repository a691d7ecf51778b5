"""Background task of a disposal batch's evidence pack (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def disposal_pack(job_id: str, disposal_id: str) -> None:
    """Write the batch's evidence pack (``pack.write_pack``) into its job's file."""
    from schoolkeep.equipment.disposals.pack import pack_run

    pack_run(job_id, disposal_id)
