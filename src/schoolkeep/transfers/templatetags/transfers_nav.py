"""The row of links shared by the pages about sending data: how to send something, the
transfer log, the rules, the questions to the DPO and taking material off site, each shown
to whoever may open it."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("guide", "How do I send this?", "transfers:guide", "transfers.send|transfers.view"),
    ("log", "Transfer log", "transfers:transfer-list", "transfers.send|transfers.view"),
    ("off-site", "Taking data off site", "transfers:removal-list",
     "removals.request|removals.view"),
    ("questions", "Questions to the DPO", "transfers:question-list", "transfers.view"),
    ("rules", "Rules", "transfers:rules", "transfers.view"),
]


@register.inclusion_tag("transfers/_transfers_nav.html", takes_context=True)
def transfers_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
