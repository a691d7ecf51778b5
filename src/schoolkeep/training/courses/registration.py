"""What the courses part of the training app registers at start-up (courses)."""

from __future__ import annotations


def register() -> None:
    pass
