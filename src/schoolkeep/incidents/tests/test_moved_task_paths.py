"""The breach log's task moved into incidents/exports/: migration 0004 points jobs queued
under the old path at the task where it lives now."""

from __future__ import annotations

import importlib

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

MIGRATION = "schoolkeep.incidents.migrations.0004_moved_task_paths"


def test_each_moved_task_is_a_real_task_and_the_old_path_is_gone() -> None:
    moved = importlib.import_module(MIGRATION).MOVED_TASKS
    for old, new in moved.items():
        assert isinstance(import_string(new), Task)
        with pytest.raises(ImportError):
            import_string(old)


@pytest.mark.django_db
def test_the_migration_points_a_queued_job_at_the_moved_task() -> None:
    from django.apps import apps
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    old = "schoolkeep.incidents.tasks_exports.breach_log_export"
    job = DBTaskResult.objects.create(task_path=old, args_kwargs={"args": [], "kwargs": {}},
                                      backend_name="default", run_after=timezone.now(),
                                      exception_class_path="", traceback="")
    importlib.import_module(MIGRATION).point_jobs_at_moved_tasks(apps, None)
    job.refresh_from_db()
    assert job.task_path == "schoolkeep.incidents.exports.tasks.breach_log_export"
