"""What the pack part of the compliance app registers at start-up."""

from __future__ import annotations


def register() -> None:
    return None
