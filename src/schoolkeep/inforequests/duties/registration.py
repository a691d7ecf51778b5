"""What the duties part registers when Django starts."""

from __future__ import annotations


def register() -> None:
    """Nothing yet: the part adds its audit labels, duty providers and ticks here."""
