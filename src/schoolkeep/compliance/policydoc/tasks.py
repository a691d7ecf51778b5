"""Background task of the policy document (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def policy_document_make(job_id: str, fmt: str) -> None:
    """Write the school's Online Security Policy ("docx" or "pdf") into its job's file."""
    from schoolkeep.compliance.policydoc.services import policydoc_make_run

    policydoc_make_run(job_id, fmt)
