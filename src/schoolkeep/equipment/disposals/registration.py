"""What the disposals part of the equipment app registers at start-up (filled in by the part)."""

from __future__ import annotations


def register() -> None:
    return None
