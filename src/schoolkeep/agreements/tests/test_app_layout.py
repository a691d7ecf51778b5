"""The app's layout holds together: every module that registers itself at start-up is named in
apps.SELF_REGISTERING, and tasks queued under their paths before the split are moved too."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

from schoolkeep import agreements
from schoolkeep.agreements.apps import SELF_REGISTERING

SKIPPED = (".tests", ".migrations", ".management")
# Modules at the app's top level that ``AgreementsConfig.ready`` registers by name.
REGISTERED_BY_READY = frozenset({"schoolkeep.agreements.erasure"})


def _registered(module_name: str) -> bool:
    if module_name in REGISTERED_BY_READY:
        return True
    package, _, name = module_name.removeprefix("schoolkeep.agreements.").rpartition(".")
    return name.startswith(SELF_REGISTERING.get(package, ()))


def test_every_self_registering_module_is_registered_at_start_up() -> None:
    missing = []
    for info in pkgutil.walk_packages(agreements.__path__, "schoolkeep.agreements."):
        if info.ispkg or any(part in info.name for part in SKIPPED):
            continue
        module = importlib.import_module(info.name)
        if (callable(getattr(module, "register", None)) or hasattr(module, "ACTION_LABELS")) \
                and not _registered(info.name):
            missing.append(info.name)
    assert missing == []
    assert _registered("schoolkeep.agreements.signing.links.services")


def test_tasks_queued_under_the_old_paths_are_pointed_at_the_moved_ones() -> None:
    """The old top-level task modules are gone; migration 0004 rewrote the stored paths of
    jobs queued under them to the subpackages' tasks, which each name a real task."""
    moved = importlib.import_module(
        "schoolkeep.agreements.migrations.0004_kiosk_pin_and_task_paths").MOVED_TASKS
    assert len(moved) == 4
    for old, new in moved.items():
        assert isinstance(import_string(new), Task)
        with pytest.raises(ImportError):
            import_string(old)


@pytest.mark.django_db
def test_the_migration_points_queued_jobs_at_the_moved_tasks() -> None:
    from django.apps import apps
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    migration = importlib.import_module(
        "schoolkeep.agreements.migrations.0004_kiosk_pin_and_task_paths")
    old = "schoolkeep.agreements.tasks_links.send_reminders"
    job = DBTaskResult.objects.create(task_path=old, args_kwargs={"args": [], "kwargs": {}},
                                      backend_name="default", run_after=timezone.now(),
                                      exception_class_path="", traceback="")
    other = DBTaskResult.objects.create(task_path="schoolkeep.assets.tasks_import.x",
                                        args_kwargs={"args": [], "kwargs": {}},
                                        backend_name="default", run_after=timezone.now(),
                                        exception_class_path="", traceback="")
    migration.point_jobs_at_moved_tasks(apps, None)
    job.refresh_from_db()
    other.refresh_from_db()
    assert job.task_path == "schoolkeep.agreements.signing.links.tasks.send_reminders"
    assert other.task_path == "schoolkeep.assets.tasks_import.x"
