"""What the checks part of the continuity app registers at start-up (backup checks, restore tests, schoolkeep's own sets and the log)."""

from __future__ import annotations


def register() -> None:
    pass
