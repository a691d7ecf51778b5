"""What the campaigns part of the housekeeping app registers at start-up (campaigns: launch, confirm, remind, close)."""

from __future__ import annotations


def register() -> None:
    pass
