"""What the scopes part of the continuity app registers at start-up (what needs protecting, the backup sets and the 3-2-1 rule)."""

from __future__ import annotations


def register() -> None:
    pass
