"""What this app registers when Django starts: each part of the app names its module here,
and that module's ``register()`` adds its duty provider, audit labels, demo step and
scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.training.courses.registration",
    "schoolkeep.training.records.registration",
    "schoolkeep.training.rules.registration",
    "schoolkeep.training.imports.registration",
    "schoolkeep.training.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
