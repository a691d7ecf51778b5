"""Background task of the policy document (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def policy_document_make(job_id: str, fmt: str) -> None:
    """Write the school's Online Security Policy ("docx" or "pdf") into its job's file."""
    from schoolkeep.compliance.policydoc.services import policydoc_make_run

    policydoc_make_run(job_id, fmt)


@task()
def policy_document_send(job_id: str) -> None:
    """Make the school's Online Security Policy as a PDF and send it to the policy register
    for a governor's approval, as the job's maker."""
    from schoolkeep.compliance.policydoc.services import policydoc_send_run

    policydoc_send_run(job_id)
