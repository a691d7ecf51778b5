"""Duties themselves are never stored. These rows only remember what the machinery did:
which reminder e-mails went out, and when each periodic job was last enqueued."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReminderLog(models.Model):
    """A reminder e-mail sent to a person about their duties at one school on one day.

    ``date`` is the day in Europe/London. A person gets at most one reminder e-mail a day
    (covering all their schools, one row per school); the row is written before the e-mail
    is sent, so two runs at once cannot both send.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_logs"
    )
    school = models.ForeignKey(
        "tenancy.School", on_delete=models.CASCADE, related_name="reminder_logs"
    )
    date = models.DateField()
    due_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date", "school"], name="reminderlog_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["date", "user"])]

    def __str__(self) -> str:
        return f"Reminder to user {self.user_id} on {self.date}"


class SchedulerState(models.Model):
    """The last slot each periodic job was enqueued for, so restarts never repeat a run."""

    job = models.CharField(max_length=100, unique=True)
    last_slot = models.DateTimeField(null=True, blank=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job"]

    def __str__(self) -> str:
        return f"{self.job} (last {self.last_slot})"
