"""TODO(helper): fill in."""

from ninja import Router

router = Router(tags=["incidents"])
