"""What this app registers when Django starts: each part of the app names its module here,
and that module's ``register()`` adds its duty provider, measures, audit labels, demo step
and scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.leavers.services",
    "schoolkeep.leavers.duties",
    "schoolkeep.leavers.demo",
    "schoolkeep.leavers.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
