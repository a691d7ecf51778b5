"""Kept so that tasks queued before the split into subpackages still run: the task queue
stores each task's module path. The tasks live in ``parents/tasks.py``. Remove in the next
release."""

from schoolkeep.agreements.parents.tasks import parents_import_apply, parents_import_check

__all__ = ["parents_import_apply", "parents_import_check"]
