"""This part's routes in the JSON API (filled in by the part)."""

from __future__ import annotations

from ninja import Router

router = Router()
