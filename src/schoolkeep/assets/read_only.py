"""The register's old fields, now read from their own records: an API client still sending
one is told where it lives now, naming the field (not a generic "extra inputs" error)."""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

MOVED = {
    "retention_period": "/api/v1/record-types",
    "dpia_needed": "/api/v1/dpias",
    "dpia_done_on": "/api/v1/dpias",
    "dpa_on_file": "/api/v1/processors",
}


def refuse_moved(data: Any, names: tuple[str, ...]) -> Any:
    """Raise for the first of ``names`` sent in ``data``; else ``data`` unchanged."""
    if isinstance(data, dict):
        for name in names:
            if name in data:
                raise PydanticCustomError(
                    "read_only", "{field} is read only now: use {path}",
                    {"field": name, "path": MOVED[name]})
    return data
