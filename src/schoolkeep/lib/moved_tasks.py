"""For a migration that moves background tasks to another module: the task queue imports a
job's task by the path stored when it was queued (django-tasks-db's ``task_path``), so jobs
queued under an old path are pointed at the new one. Migrations call this, so it must keep
working on the historical models it is given: change it only in ways old migrations allow."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

RunPythonCode = Callable[[Any, Any], None]


def repointing(moved: Mapping[str, str]) -> tuple[RunPythonCode, RunPythonCode]:
    """The forward and backward code of a ``RunPython`` for ``moved`` (old path -> new)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        _repoint(apps, moved.items())

    def backward(apps: Any, schema_editor: Any) -> None:
        _repoint(apps, ((new, old) for old, new in moved.items()))

    return forward, backward


def _repoint(apps: Any, pairs: Iterable[tuple[str, str]]) -> None:
    jobs = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in pairs:
        jobs.objects.filter(task_path=old).update(task_path=new)
