"""What this app registers when Django starts: each part of the app names its module here,
and that module's ``register()`` adds its duty provider, measures, audit labels, demo step,
leaver checklist steps and scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.equipment.inventory.registration",
    "schoolkeep.equipment.imports.registration",
    "schoolkeep.equipment.loans.registration",
    "schoolkeep.equipment.disposals.registration",
    "schoolkeep.equipment.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
