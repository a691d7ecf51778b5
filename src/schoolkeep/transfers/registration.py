"""What this app registers when Django starts: each part of the app names its module here,
and that module's ``register()`` adds its duty provider, measures, audit labels, demo step and
scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.transfers.rules.registration",
    "schoolkeep.transfers.guide.registration",
    "schoolkeep.transfers.log.registration",
    "schoolkeep.transfers.removals.registration",
    "schoolkeep.transfers.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
