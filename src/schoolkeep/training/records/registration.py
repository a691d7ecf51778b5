"""What the records part of the training app registers at start-up (training records: one by one, a session, the member's own)."""

from __future__ import annotations


def register() -> None:
    pass
