"""Jobs queued before the import's tasks moved into ``assets.imports`` name them by their old
dotted path, which the worker imports when it runs them: both paths give the same task."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

from schoolkeep.assets.imports import tasks


@pytest.mark.parametrize("name", ["assets_import_check", "assets_import_apply"])
def test_a_task_queued_under_its_old_path_is_still_found(name: str) -> None:
    old = import_string(f"schoolkeep.assets.tasks_import.{name}")
    assert isinstance(old, Task) and old is getattr(tasks, name)
    assert old.module_path == f"schoolkeep.assets.imports.tasks.{name}"  # queued from now on
