"""The API of housekeeping-campaigns (mounted in api/main.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["housekeeping-campaigns"])
