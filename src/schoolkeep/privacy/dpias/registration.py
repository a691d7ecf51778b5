"""What this part registers when Django starts (duty providers, audit labels, ticks)."""

from __future__ import annotations


def register() -> None:
    return None
