"""Background tasks of signing links (django-tasks): bulk reminders and printed letters.
Arguments are plain strings (public ids), as the task queue needs JSON."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders(job_id: str, aup_id: str) -> None:
    """E-mail reminders in batches, with a pause between batches."""
    from schoolkeep.agreements.signing.links.services import reminders_run

    reminders_run(job_id, aup_id)


@task()
def make_letters(job_id: str, aup_id: str, everyone: bool) -> None:
    """Make the PDF of signing letters, one page per signer."""
    from schoolkeep.agreements.signing.links.services import letters_run

    letters_run(job_id, aup_id, everyone)
