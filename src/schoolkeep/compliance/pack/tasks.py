"""Background task of the governor pack (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def governor_pack_build(pack_id: str) -> None:
    """Build a governor pack asked for in Schoolkeep (``services.pack_request``)."""
    from schoolkeep.compliance.pack.services import pack_build_run

    pack_build_run(pack_id)
