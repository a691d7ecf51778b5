"""The import's and the record export's tasks moved into people/imports/ and people/record/:
migration 0009 points jobs queued under the old paths at the tasks where they live now."""

from __future__ import annotations

import importlib

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

MIGRATION = "schoolkeep.people.migrations.0009_moved_task_paths"


def test_each_moved_task_is_a_real_task_and_the_old_path_is_gone() -> None:
    moved = importlib.import_module(MIGRATION).MOVED_TASKS
    for old, new in moved.items():
        assert isinstance(import_string(new), Task)
        with pytest.raises(ImportError):
            import_string(old)


@pytest.mark.django_db
def test_the_migration_points_queued_jobs_at_the_moved_tasks_and_leaves_others() -> None:
    from django.apps import apps
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    def queued(task_path: str) -> DBTaskResult:
        return DBTaskResult.objects.create(
            task_path=task_path, args_kwargs={"args": [], "kwargs": {}},
            backend_name="default", run_after=timezone.now(), exception_class_path="",
            traceback="")

    check = queued("schoolkeep.people.tasks_import.people_import_check")
    export = queued("schoolkeep.people.tasks_record.record_export")
    other = queued("schoolkeep.incidents.exports.tasks.breach_log_export")
    importlib.import_module(MIGRATION).point_jobs_at_moved_tasks(apps, None)
    for job in (check, export, other):
        job.refresh_from_db()
    assert check.task_path == "schoolkeep.people.imports.tasks.people_import_check"
    assert export.task_path == "schoolkeep.people.record.tasks.record_export"
    assert other.task_path == "schoolkeep.incidents.exports.tasks.breach_log_export"
