"""What this app registers when Django starts: each part names its module here, and that
module's ``register()`` adds its duty provider, audit labels, demo step and scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.compliance.state.registration",
    "schoolkeep.compliance.controls.registration",
    "schoolkeep.compliance.frameworks.registration",
    "schoolkeep.compliance.pack.registration",
    "schoolkeep.compliance.policydoc.registration",
    "schoolkeep.compliance.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
