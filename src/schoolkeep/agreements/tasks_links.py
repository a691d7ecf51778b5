"""Kept so that tasks queued before the split into subpackages still run: the task queue
stores each task's module path. The tasks live in ``signing/links/tasks.py``. Remove in the
next release."""

from schoolkeep.agreements.signing.links.tasks import make_letters, send_reminders

__all__ = ["make_letters", "send_reminders"]
