"""The API of the controls part (mounted in ``api/main.py``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["compliance"])
