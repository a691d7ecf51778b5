"""This part in the JSON API (filled in by its module)."""

from ninja import Router

router = Router()
