"""What the rules part of the training app registers at start-up (the dfe's and the rpa's training rules, the matrix and the settings)."""

from __future__ import annotations


def register() -> None:
    pass
