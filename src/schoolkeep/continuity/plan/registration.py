"""What the plan part of the continuity app registers at start-up (the recovery plan, its contacts, its tests and the card)."""

from __future__ import annotations


def register() -> None:
    pass
