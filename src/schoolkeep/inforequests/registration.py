"""What this app registers when Django starts: each part names its module here, and that
module's ``register()`` adds its duty provider, audit labels, demo step and scheduler ticks."""

from __future__ import annotations

from importlib import import_module

PARTS: list[str] = [
    "schoolkeep.inforequests.clocks.registration",
    "schoolkeep.inforequests.intake.registration",
    "schoolkeep.inforequests.handling.registration",
    "schoolkeep.inforequests.progress.registration",
    "schoolkeep.inforequests.searches.registration",
    "schoolkeep.inforequests.exports.registration",
    "schoolkeep.inforequests.duties.registration",
    "schoolkeep.inforequests.demo.registration",
    "schoolkeep.inforequests.erasure",
]


def register_all() -> None:
    for path in PARTS:
        import_module(path).register()
