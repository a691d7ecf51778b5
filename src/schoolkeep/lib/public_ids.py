"""Public ids (UUIDs) read as the text ``str(uuid)`` writes, without a UUID object each."""

from __future__ import annotations

import uuid
from typing import Any


def uuid_text(value: Any) -> str:
    """A public id as its text, as ``str(uuid)`` writes it (what an audit event's target id
    holds, what a link or a filter's value shows): from PostgreSQL's UUID or its text, or
    from the 32 hex digits SQLite keeps, without a UUID object for each of the hundreds or
    tens of thousands of records a page or an import reads."""
    if type(value) is str and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    if type(value) is str and len(value) == 36:  # PostgreSQL's uuid::text: already so
        return value
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))
