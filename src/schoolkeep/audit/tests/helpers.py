"""Helpers for the audit tests: tampering with rows behind the model's back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

TRIGGER = "audit_auditevent_append_only"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def tamper(sql: str, params: Sequence[Any] = ()) -> int:
    """Run raw SQL against the audit table as an attacker with database access would.

    On PostgreSQL the append-only trigger would refuse, so it is switched off for the
    statement (as a table owner could); the test's transaction rolls that back too.
    """
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, list(params))
        count = cursor.rowcount
        if is_postgres():
            cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")
    return count
