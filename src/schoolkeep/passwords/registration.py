"""What this app registers when Django starts: each part of the app names its module here,
and that module's ``register()`` adds its duty provider, measures, audit labels, demo step
and scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.passwords.events.registration",
    "schoolkeep.passwords.reminders.registration",
    "schoolkeep.passwords.services",  # PASSWORDS: audit labels of cycles and changes
    "schoolkeep.passwords.duties",  # PASSWORDS: change-due, shared-change-due
    "schoolkeep.passwords.demo",  # PASSWORDS: Larkspur's cycles (order 330)
    "schoolkeep.passwords.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
