"""The app's layout holds together: every module that registers itself at start-up is named in
apps.SELF_REGISTERING, and tasks queued under their paths before the split still resolve."""

from __future__ import annotations

import importlib
import pkgutil

from django.utils.module_loading import import_string
from django_tasks.base import Task

from schoolkeep import agreements
from schoolkeep.agreements.apps import SELF_REGISTERING

SKIPPED = (".tests", ".migrations", ".management")


def _registered(module_name: str) -> bool:
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


def test_tasks_queued_under_the_old_paths_still_resolve() -> None:
    for old, new in [
        ("tasks_links.send_reminders", "signing.links.tasks.send_reminders"),
        ("tasks_links.make_letters", "signing.links.tasks.make_letters"),
        ("tasks_parents_import.parents_import_check", "parents.tasks.parents_import_check"),
        ("tasks_parents_import.parents_import_apply", "parents.tasks.parents_import_apply"),
    ]:
        task = import_string(f"schoolkeep.agreements.{old}")
        assert isinstance(task, Task)
        assert task is import_string(f"schoolkeep.agreements.{new}")
