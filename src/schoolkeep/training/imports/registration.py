"""What the imports part of the training app registers at start-up (the training import)."""

from __future__ import annotations


def register() -> None:
    pass
