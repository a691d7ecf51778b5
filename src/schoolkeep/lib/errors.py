"""Domain errors raised by services and turned into form or API errors by callers."""

from __future__ import annotations


class DomainError(Exception):
    """A broken business rule. ``field`` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this."""


class StaleVersion(DomainError):
    """Someone else changed the record since it was read."""
