"""Background tasks of accounts (django-tasks): the password-reset e-mail.

Arguments are kept in the tasks table, so they are plain strings that are no secret: the
account's public id, never the reset link (see ``reset_email``)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_password_reset_email(user_id: str) -> None:
    """Make a fresh reset link for the account and e-mail it (nothing to a deactivated one)."""
    from schoolkeep.accounts.reset_email import password_reset_email_send

    password_reset_email_send(user_id=user_id)
