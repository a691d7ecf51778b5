"""The API of backup-checks (mounted in api/main.py)."""

from __future__ import annotations

from ninja import Router

checks_router = Router(tags=["backup-checks"])
restores_router = Router(tags=["restore-tests"])
