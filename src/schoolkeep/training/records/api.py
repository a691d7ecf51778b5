"""The API of training-records (mounted in api/main.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["training-records"])
