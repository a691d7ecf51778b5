"""Background task of the housekeeping campaigns (django-tasks): the launch's and the
reminders' e-mails. Arguments are plain strings, as the task queue needs JSON."""

from __future__ import annotations

from django_tasks import task


@task()
def send_emails(campaign_id: str, confirmation_ids: list[str], reminder: bool) -> None:
    """E-mail the people asked (every one at launch; those reminded, by id)."""
    from schoolkeep.housekeeping.campaigns.sending import campaign_emails_send

    campaign_emails_send(campaign_id=campaign_id, confirmation_ids=confirmation_ids,
                         reminder=reminder)
