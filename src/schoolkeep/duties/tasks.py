"""Background tasks of the duties layer (django-tasks). The scheduler enqueues them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from schoolkeep.audit.context import audit_context


@task()
def send_reminders() -> dict[str, Any]:
    """The daily reminder e-mails (``schoolkeep remind`` in the background)."""
    from schoolkeep.duties.services import reminders_send

    with audit_context(actor_label="scheduler"):
        report = reminders_send()
    return {
        "day": report.day.isoformat(),
        "sent": len(report.sent),
        "already_sent": report.already_sent,
        "failed": len(report.failed),
    }


@task()
def tick() -> dict[str, list[str]]:
    """Every ten minutes: the clocks later modules registered with ``register_tick``."""
    from schoolkeep.duties.scheduler import run_ticks

    with audit_context(actor_label="scheduler"):
        return run_ticks(timezone.now())
