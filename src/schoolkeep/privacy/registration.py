"""What this app registers when Django starts: each part names its module here, and that
module's ``register()`` adds its duty provider, audit labels, demo step and scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.privacy.dpias.registration",
    "schoolkeep.privacy.suppliers.registration",
    "schoolkeep.privacy.schedule.registration",
    "schoolkeep.privacy.destruction.registration",
    "schoolkeep.privacy.erasure.registration",
    "schoolkeep.privacy.demo.registration",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
