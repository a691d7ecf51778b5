"""Who is acting and from where, for audit events, set once per request or command."""

from __future__ import annotations

import contextvars
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    request_id: str = ""
    ip_address: str = ""
    actor_label: str = ""  # used when no user acts, such as "cli:alice" or "system"


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context", default=AuditContext(actor_label="system")  # noqa: B039 - frozen
)


def current() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(**values: str) -> Iterator[AuditContext]:
    token = _current.set(AuditContext(**values))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def cli_actor_label() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"
